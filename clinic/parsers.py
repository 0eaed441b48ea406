"""The API's JSON parser: DRF's, made safe against bodies built to break the decoder."""

from collections.abc import Mapping
from typing import Any

from rest_framework import exceptions
from rest_framework.parsers import JSONParser

from clinic.text import invalid_text_paths


class StrideJSONParser(JSONParser):
    """DRF's JSON parser, with a body nested past Python's recursion limit a parse error.

    `json` recurses once per level, so 20,000 brackets (40 KB, under the size limit) raise
    RecursionError, which DRF does not catch: a 500 for anyone who tries. Text that is not
    text (a lone surrogate, in a value or a key) is a field error here, before any
    serializer or the database sees it.
    """

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: Mapping | None = None
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            detail = "JSON parse error - the body is nested too deeply."
            raise exceptions.ParseError(detail) from exc
        errors = invalid_text_paths(data)
        if errors:
            raise exceptions.ValidationError(errors)
        return data

"""What counts as text Stride will store: no surrogates, no undecodable bytes, no controls.

JSON may escape a lone surrogate (`"\\ud800"`), which Python accepts as a str and PostgreSQL
refuses to encode: a 500 at the INSERT. A form decodes invalid UTF-8 to U+FFFD, which
would be stored as a name. Both are refused as a field error instead, in the API (the
parser, keys included) and in every form (`ValidTextFormMixin`).
"""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

INVALID_TEXT_MESSAGE = "Contains characters that are not valid text."

# Surrogates; U+FFFD (bytes that were not UTF-8); noncharacters; C0 controls but tab, LF, CR.
_INVALID = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffd\ufdd0-\ufdef\ufffe\uffff]"
    "|[\U0001fffe\U0001ffff\U0010fffe\U0010ffff]"
)


def text_is_valid(value: str) -> bool:
    return _INVALID.search(value) is None


def validate_text(value: Any) -> None:
    """A Django validator: refuse a str holding anything `text_is_valid` refuses."""
    if isinstance(value, str) and not text_is_valid(value):
        raise ValidationError(INVALID_TEXT_MESSAGE, code="invalid_text")


def invalid_text_paths(data: Any, path: str = "") -> dict[str, list[str]]:
    """Every place in parsed JSON holding invalid text, as `{"a.b.0": [message]}`.

    A bad key is reported at its parent's path (`non_field_errors` at the top).
    """
    errors: dict[str, list[str]] = {}
    if isinstance(data, str):
        if not text_is_valid(data):
            errors[path or "non_field_errors"] = [INVALID_TEXT_MESSAGE]
    elif isinstance(data, dict):
        for key, value in data.items():
            if not text_is_valid(key):
                errors[path or "non_field_errors"] = ["A field name is not valid text."]
                continue
            errors.update(invalid_text_paths(value, f"{path}.{key}" if path else key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            errors.update(invalid_text_paths(item, f"{path}.{index}" if path else str(index)))
    return errors


class ValidTextFormMixin:
    """Mixed into every form: each text field also runs `validate_text`."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators = [*field.validators, validate_text]

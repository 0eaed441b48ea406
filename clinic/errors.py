"""The one family of errors a service raises when it refuses something, and nothing else.

A refusal says what kind it is (`type`, stable for partners), how HTTP answers it
(`status_code`), a sentence for a person (`detail`), what was wrong field by field
(`errors`, keyed as the API names fields: `patient.email`, `answers.pain_now`) and any extra
keys of the API's error body (`extra`, e.g. a taken slot's `alternatives`).

Kind and status belong to the class, so each kind of refusal is one subclass, defined next
to the service that raises it. This module knows neither DRF nor templates: the API handler
(`clinic.api.exception_handler`) and the HTML middleware
(`clinic.middleware.ApplicationErrorMiddleware`) are the only two places that turn an
ApplicationError into a response.
"""

from typing import Any, ClassVar


class ApplicationError(Exception):
    """A business-rule refusal raised by a service, answered cleanly by the API and pages."""

    type: ClassVar[str] = "invalid"
    status_code: ClassVar[int] = 400
    default_detail: ClassVar[str] = "The request was refused."

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.detail = self.default_detail if detail is None else detail
        self.errors = dict(errors or {})
        self.extra = dict(extra or {})
        super().__init__(self.detail)


class InvalidInput(ApplicationError):
    """Some fields are not valid; `errors` names each one with its messages."""

    type = "validation_error"
    default_detail = "Some fields are not valid."

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

from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.translation import gettext_lazy

if TYPE_CHECKING:  # the stubs' name for a lazy translation; dev-only package
    from django_stubs_ext import StrPromise


class ApplicationError(Exception):
    """A business-rule refusal raised by a service, answered cleanly by the API and pages."""

    type: ClassVar[str] = "invalid"
    status_code: ClassVar[int] = 400
    # Lazy: read in the active language when raised (a subclass's may be a plain str too).
    default_detail: ClassVar["str | StrPromise"] = gettext_lazy("The request was refused.")

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        # Read now, in the active language (the request's; a page shows it as it is).
        self.detail = str(self.default_detail) if detail is None else detail
        self.errors = dict(errors or {})
        self.extra = dict(extra or {})
        super().__init__(self.detail)


class InvalidInput(ApplicationError):
    """Some fields are not valid; `errors` names each one with its messages."""

    type = "validation_error"
    default_detail = gettext_lazy("Some fields are not valid.")

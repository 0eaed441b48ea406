"""The patients' languages (settings.LANGUAGES): which one is active, and a safe default.

Pages follow the request (LocaleMiddleware: the switch's cookie, else Accept-Language);
everything sent later follows the patient's stored `language` under `override`.

Two spellings of one language: a patient's stored `language` (and the API's, and the clinical
catalogues') is the plain code, "en" or "es"; Django activates the clinic's variant of English
("en-gb"/"en-us", settings.LANGUAGE_CODE from CLINIC_LOCALE) so that its date and time formats
and "am"/"pm" apply to English, while Spanish gets the "es" formats (clinic/formats/es/).
"""

from contextlib import AbstractContextManager

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

ENGLISH = "en"


def _plain(code: str) -> str:
    return code.split("-")[0].lower()


def patient_languages() -> list[tuple[str, str]]:
    """(plain code, own name) for each of settings.LANGUAGES: ("en", "English"), ("es", ...)."""
    return [(_plain(code), name) for code, name in settings.LANGUAGES]


def language_supported(code: str | None) -> str:
    """The plain code of `code` if it is one of settings.LANGUAGES (or a variant of one,
    "es-MX", "en-GB"), else English: what a patient's `language` stores."""
    if not code:
        return ENGLISH
    try:
        return _plain(translation.get_supported_language_variant(_plain(code)))
    except LookupError:
        return ENGLISH


def django_language(code: str | None) -> str:
    """The code Django activates for `code`: English as the clinic's own variant
    (settings.LANGUAGE_CODE, "en-gb" or "en-us"), another language as itself ("es")."""
    plain = language_supported(code)
    return str(settings.LANGUAGE_CODE) if plain == ENGLISH else plain


def language_current() -> str:
    """The active language as a patient's plain code (the request's on a page)."""
    return language_supported(translation.get_language())


def override(code: str | None) -> AbstractContextManager[None]:
    """`translation.override` for a patient's stored language (the clinic's English variant)."""
    return translation.override(django_language(code))


def patient_language_activate(request: HttpRequest, language: str) -> None:
    """On a page the patient's own link opened, their stored `language` when this browser made
    no choice (no cookie from the switch): the view that reads the link calls this, so the
    patient is not looked up twice (intake.middleware does it for the other link pages)."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return
    active = django_language(language)
    translation.activate(active)
    request.LANGUAGE_CODE = active

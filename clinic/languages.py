"""The patients' languages (settings.LANGUAGES): which one is active, and a safe default.

Pages follow the request (LocaleMiddleware: the switch's cookie, else Accept-Language);
everything sent later follows the patient's stored `language` under `translation.override`.
"""

from django.conf import settings
from django.utils import translation


def language_supported(code: str | None) -> str:
    """`code` if it is one of settings.LANGUAGES (or a variant of one, "es-MX"), else English."""
    if not code:
        return settings.LANGUAGE_CODE
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return settings.LANGUAGE_CODE


def language_current() -> str:
    """The active language as one of settings.LANGUAGES (the request's on a page)."""
    return language_supported(translation.get_language())

"""A patient's own link opens their pages in their stored language.

After LocaleMiddleware: with no explicit choice in this browser (no language cookie from the
switch), a page opened by the patient's link (result, booking, follow-up: the ones
`intake.selectors.patient_for_path` knows) is in the patient's `language`, not whatever the
browser's Accept-Language says. The switch still wins: it sets the cookie. The booking pages
do this in their own view (referrals.views._open_intake), which reads the patient anyway.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from clinic import languages
from clinic.middleware import STAFF_PATH_PREFIXES
from intake.selectors import patient_for_path


class PatientLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method in ("GET", "HEAD")
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(STAFF_PATH_PREFIXES)
        ):
            patient = patient_for_path(request.path_info, booking=False)
            if patient is not None:
                languages.patient_language_activate(request, patient.language)
        return self.get_response(request)

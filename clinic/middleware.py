"""Request guards shared by every URL: body size, a clean 503 when the database is down, and
the one HTML answer to a service's refusal (a bad or expired patient link, above all)."""

from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control

from clinic import languages
from clinic.errors import ApplicationError

# The patient's "we can't open this link" page: it shows the error's sentence and how to
# reach the clinic, and nothing of anyone's record.
REFUSAL_TEMPLATE = "intake/bad_link.html"


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class RequestSizeLimitMiddleware:
    """Refuse bodies over REQUEST_MAX_BYTES with 413 before anything reads them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            detail = f"The request body is larger than {settings.REQUEST_MAX_BYTES} bytes."
            if _wants_json(request):
                return JsonResponse(
                    {"type": "payload_too_large", "detail": detail, "errors": {}}, status=413
                )
            return HttpResponse(detail, status=413, content_type="text/plain")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection into a 503 with a retry hint, never a stack trace."""

    retry_after_seconds = 5

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if isinstance(exception, DatabaseError) and not _is_connection_problem(exception):
            return None
        detail = "The service is briefly unavailable. Please try again in a few seconds."
        if _wants_json(request):
            response: HttpResponse = JsonResponse(
                {"type": "service_unavailable", "detail": detail, "errors": {}}, status=503
            )
        else:
            response = HttpResponse(detail, status=503, content_type="text/plain")
        response["Retry-After"] = str(self.retry_after_seconds)
        return response


class ApplicationErrorMiddleware:
    """Answer an ApplicationError that leaves an HTML view with the refusal page.

    A bad link is a 404, an expired one a 410, a closed check-in a 409: the page says the
    error's `detail` with its `status_code`. So a patient page simply opens its record
    (`intake_get_by_token(token)`) and lets the refusal rise. A view with a better page for
    a refusal (the booking picker with alternatives, the staff forms) catches it itself.
    API views never get here: DRF's handler (`clinic.api.exception_handler`) answers them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ApplicationError) or _wants_json(request):
            return None
        context = {"message": exception.detail}
        return render(request, REFUSAL_TEMPLATE, context, status=exception.status_code)


def _is_connection_problem(exception: DatabaseError) -> bool:
    # Lock timeouts and the like are OperationalErrors too, but they are bugs to see, not outages.
    text = str(exception).lower()
    markers = ("connect", "connection", "server closed", "terminating", "shutting down")
    return isinstance(exception, InterfaceError) or any(m in text for m in markers)


class NoStoreMiddleware:
    """`Cache-Control: no-store, private` on every dynamic answer, errors included.

    Nearly every page and API answer can carry patient data (a result, a booking, a staff
    list), and a page that does not today may tomorrow: one rule for all is the safe default.
    Static files (whitenoise, long-cached and hashed) keep their own headers. Outermost, so
    a refusal from an inner middleware (413, 503) is covered too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            patch_cache_control(response, no_store=True, private=True)
        return response


class HealthCheckMiddleware:
    """Answer `GET /healthz` before the host check and the HTTPS redirect.

    The container's health probe calls http://127.0.0.1:8000/healthz: plain HTTP, a host
    that is not in ALLOWED_HOSTS, no proxy header. Behind SecurityMiddleware it would get a
    301 to https or a 400, and the container would never turn healthy. The answer says only
    whether the database answers; it carries nothing worth a host check.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz" and request.method in ("GET", "HEAD"):
            from clinic.views import healthz

            return healthz(request)
        return self.get_response(request)


# The clinic's own pages: English for every member of staff, whatever their browser asks.
STAFF_PATH_PREFIXES = ("/staff/", "/admin/")


class StaffEnglishMiddleware:
    """Staff pages and the admin in English: after LocaleMiddleware, before any view. English
    on any page is the clinic's own variant (settings.LANGUAGE_CODE from CLINIC_LOCALE, its
    date formats and "am"/"pm"), not LocaleMiddleware's plain "en"."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(STAFF_PATH_PREFIXES):
            active = languages.django_language(translation.get_language())
            translation.activate(active)
            request.LANGUAGE_CODE = active
            return self.get_response(request)
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        response = self.get_response(request)
        response.headers["Content-Language"] = settings.LANGUAGE_CODE
        return response

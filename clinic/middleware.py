"""Request guards shared by every URL: body size, and a clean 503 when the database is down."""

from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse


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


def _is_connection_problem(exception: DatabaseError) -> bool:
    # Lock timeouts and the like are OperationalErrors too, but they are bugs to see, not outages.
    text = str(exception).lower()
    markers = ("connect", "connection", "server closed", "terminating", "shutting down")
    return isinstance(exception, InterfaceError) or any(m in text for m in markers)

"""Project-level views: the health check that load balancers and compose poll."""

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 otherwise (also answered by a middleware)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        response = JsonResponse({"status": "database unavailable"}, status=503)
        response["Retry-After"] = "5"
        return response
    return JsonResponse({"status": "ok"})


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """API clients get the API's error shape for an unknown URL; people get the 404 page."""
    if request.path.startswith("/api/"):
        body = {"type": "not_found", "detail": "No such resource.", "errors": {}}
        return JsonResponse(body, status=404)
    if request.path.startswith("/staff/"):
        # Inside the staff layout, with the way back to the queue (templates, not imports:
        # clinic sits below the dashboard).
        return render(request, "dashboard/not_found.html", status=404)
    return defaults.page_not_found(request, exception)


def forbidden(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Staff without a capability see why inside the staff layout; anyone else the 403 page."""
    if request.path.startswith("/api/"):
        body = {"type": "forbidden", "detail": "Not allowed.", "errors": {}}
        return JsonResponse(body, status=403)
    if request.path.startswith("/staff/"):
        return render(request, "dashboard/forbidden.html", status=403)
    return defaults.permission_denied(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        body = {"type": "server_error", "detail": "Something went wrong on our side.", "errors": {}}
        return JsonResponse(body, status=500)
    return defaults.server_error(request)

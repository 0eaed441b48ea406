"""Staff sessions end after SESSION_IDLE_TIMEOUT idle and SESSION_COOKIE_AGE in all.

Django's own expiry slides with every write to the session, so it cannot express "12 hours
since sign-in". This middleware keeps two timestamps in the session (sign-in and last
activity) and signs the person out when either limit has passed. The last-activity stamp is
written at most once a minute, so an ordinary page view does not write the session; the
dashboard's background refresh does not count as activity.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from clinic.http import client_ip

SIGNED_IN_AT = "dashboard_signed_in_at"
LAST_SEEN_AT = "dashboard_last_seen_at"
WRITE_EVERY_SECONDS = 60
REFRESH_HEADER = "X-Stride-Refresh"  # sent by static/js/dashboard.js on its background polls


def session_start(request: HttpRequest) -> None:
    """Stamp a fresh sign-in: the 12-hour limit counts from here (called by the login view)."""
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        session = request.session
        signed_in = session.get(SIGNED_IN_AT)
        last_seen = session.get(LAST_SEEN_AT)
        idle = last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT
        too_long = signed_in is not None and now - signed_in > settings.SESSION_COOKIE_AGE
        if idle or too_long:
            from dashboard.models import AuditEvent  # models load after middleware
            from dashboard.services import audit_record

            audit_record(
                actor=user,
                action=AuditEvent.Action.SESSION_EXPIRED,
                object_type="user",
                object_id=user.pk,
                ip_address=client_ip(request),
            )
            logout(request)
            messages.info(request, "Your session ended. Please sign in again.")
            if request.headers.get(REFRESH_HEADER):
                return HttpResponse(status=401)
            return redirect(f"{settings.LOGIN_URL}?next={request.path}")
        if signed_in is None:  # signed in elsewhere (the Django admin): count from first sight
            session[SIGNED_IN_AT] = now
        polled = bool(request.headers.get(REFRESH_HEADER))
        if not polled and (last_seen is None or now - last_seen >= WRITE_EVERY_SECONDS):
            session[LAST_SEEN_AT] = now
        return self.get_response(request)

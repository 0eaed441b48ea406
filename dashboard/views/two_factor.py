"""The staff's two-factor pages: pass the code (a new session), or enrol an authenticator.

Enrolment is two steps: the signed-in person asks for a link (POST, emailed to them), then
opens it in the same browser; only then does the page show the secret and accept a first code.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login

from clinic.http import client_ip
from dashboard import access, services, twofactor
from dashboard.forms import TwoFactorForm
from dashboard.models import AuditEvent


def _may_use(request: HttpRequest) -> bool:
    """Staff with the dashboard, or admins (the admin sends its people here too)."""
    return access.user_can(request.user, access.USE) or bool(request.user.is_staff)


@never_cache
def two_factor(request: HttpRequest) -> HttpResponse:
    """Pass TOTP with the existing device, or (no device yet) enrol one via the emailed link."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if not _may_use(request):
        raise PermissionDenied
    device = twofactor.device_for(request.user)
    setup = device is None
    granted = setup and twofactor.enrolment_granted(request.session)
    if setup and not granted:
        return _enrolment_request(request)
    form = TwoFactorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if setup:
            device = twofactor.device_pending(user=request.user, session=request.session)
        assert device is not None
        if twofactor.verify(device, form.cleaned_data["otp_token"]):
            if setup:
                twofactor.device_confirm(device=device, session=request.session)
                services.audit_record(
                    actor=request.user,
                    action=AuditEvent.Action.TWO_FACTOR_SETUP,
                    object_type="user",
                    object_id=request.user.pk,
                    ip_address=client_ip(request),
                )
            otp_login(request, device)
            return redirect(settings.LOGIN_REDIRECT_URL)
        form.add_error("otp_token", "That code is not right. Use the current code.")
    context: dict[str, Any] = {"form": form, "setup": setup}
    if setup:
        context.update(twofactor.setup_context(user=request.user, session=request.session))
    return render(request, "dashboard/two_factor.html", context, status=400 if form.errors else 200)


def _enrolment_request(request: HttpRequest) -> HttpResponse:
    """No device and no link opened yet: offer (GET) or send (POST) the enrolment email."""
    context: dict[str, Any] = {"enrol": True, "sent": False, "no_email": False}
    status = 200
    if request.method == "POST":
        if "send_link" in request.POST:
            sent = twofactor.enrolment_link_send(user=request.user, session=request.session)
            context.update(sent=sent, no_email=not sent)
        else:  # a code before the link was opened: there is nothing to check it against
            status = 400
    return render(request, "dashboard/two_factor.html", context, status=status)


@never_cache
def two_factor_enrol(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: unlocks setup for the session that asked for it, once."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    if not _may_use(request) or not twofactor.enrolment_link_open(
        user=request.user, session=request.session, token=token
    ):
        raise Http404
    return redirect("dashboard:two_factor")

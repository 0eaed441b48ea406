"""Staff sign-in, sign-out and TOTP two-factor (set up the first time, passed each session)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from dashboard import twofactor
from dashboard.forms import (
    StaffLoginForm,
)
from dashboard.middleware import session_start
from dashboard.models import AuditEvent
from dashboard.views.common import audit


@sensitive_post_parameters("password", "otp_token")
@csrf_protect
@never_cache
def staff_login(request: HttpRequest) -> HttpResponse:
    """Password, then the TOTP code for staff with a device. Axes counts and locks failures."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = StaffLoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            device = twofactor.device_for(user)
            if device is not None and not twofactor.verify(device, form.cleaned_data["otp_token"]):
                twofactor.code_refused(form=form, user=user, request=request)
            else:
                auth_login(request, user)
                session_start(request)
                if device is not None:
                    otp_login(request, device)
                audit(request, AuditEvent.Action.LOGIN, object_type="user", object_id=user.pk)
                return redirect(next_url or settings.LOGIN_REDIRECT_URL)
        return render(request, "dashboard/login.html", {"form": form, "next": next_url}, status=400)
    return render(request, "dashboard/login.html", {"form": form, "next": next_url})


def staff_logout(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if request.user.is_authenticated:
        audit(request, AuditEvent.Action.LOGOUT, object_type="user", object_id=request.user.pk)
    auth_logout(request)
    messages.info(request, "You are signed out.")
    return redirect(settings.LOGIN_URL)

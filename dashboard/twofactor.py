"""TOTP two-factor sign-in for staff (django-otp): set up a device, check a code.

Optional per person; `STAFF_REQUIRE_2FA` (on by default when DJANGO_ENV=production) makes it
compulsory: a session that has not passed it is sent to /staff/two-factor/ by the staff guard.
"""

import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from clinic.http import client_ip
from dashboard.models import AuditEvent
from dashboard.services import audit_record

PENDING_KEY = "dashboard_2fa_pending_key"


def device_for(user: Any) -> TOTPDevice | None:
    """The person's confirmed authenticator, or None if they have not set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_key(session: SessionBase) -> str:
    """The secret being set up, kept in the session until the first code proves it works."""
    if PENDING_KEY not in session:
        session[PENDING_KEY] = default_key()
    return session[PENDING_KEY]


def device_pending(*, user: Any, session: SessionBase) -> TOTPDevice:
    """The unconfirmed device for the key on screen (written only when a code is submitted)."""
    device, _ = TOTPDevice.objects.update_or_create(
        user=user,
        confirmed=False,
        defaults={"key": pending_key(session), "name": "Authenticator app"},
    )
    return device


def device_confirm(*, device: TOTPDevice, session: SessionBase) -> TOTPDevice:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    session.pop(PENDING_KEY, None)
    return device


def verify(device: TOTPDevice, token: str) -> bool:
    """Check a code; django-otp throttles repeated failures on the device itself."""
    token = "".join((token or "").split())
    return bool(token.isdigit() and device.verify_token(token))


def setup_context(*, user: Any, session: SessionBase) -> dict[str, str]:
    """The QR code (inline SVG data URI, allowed by the CSP) and the secret to type instead."""
    device = TOTPDevice(user=user, key=pending_key(session), name="Authenticator app")
    secret = base64.b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m")
    return {
        "qr_data_uri": qr.svg_data_uri(scale=4, dark="#1b1f24"),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "issuer": settings.CLINIC_NAME,
    }


def code_refused(*, form: AuthenticationForm, user: Any, request: HttpRequest) -> None:
    """A right password with a missing or wrong code: a failed sign-in like any other.

    django-axes counts it (it listens to `user_login_failed`, as for a wrong password), and
    the form says exactly what it says for a wrong password, so the answer never tells an
    attacker that the password was right.
    """
    username = form.cleaned_data.get("username", "")
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
    form.add_error(None, form.get_invalid_login_error())
    audit_record(
        actor=None,
        action=AuditEvent.Action.LOGIN_FAILED,
        object_type="user",
        object_id=user.pk,
        ip_address=client_ip(request),
    )

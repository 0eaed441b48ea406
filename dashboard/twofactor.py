"""TOTP two-factor sign-in for staff (django-otp): enrol a device, check a code.

Optional per person; `STAFF_REQUIRE_2FA` (on by default when DJANGO_ENV=production) makes it
compulsory: a session that has not passed it is sent to /staff/two-factor/ by the staff guard.

Enrolling needs two things at once: the person's signed-in session, and a one-time link sent to
their email. A stolen password alone cannot bind the thief's authenticator to the account, and
a leaked email cannot enrol without the session that asked for it.
"""

import base64
import secrets
from datetime import timedelta
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from clinic.http import client_ip
from dashboard.models import AuditEvent
from dashboard.services import audit_record

PENDING_KEY = "dashboard_2fa_pending_key"
# The nonce of the last enrolment link this session asked for (the link is good once).
ENROL_NONCE_KEY = "dashboard_2fa_enrol_nonce"
# Set when this session has opened its link: only then is the secret shown and accepted.
ENROL_GRANTED_KEY = "dashboard_2fa_enrol_granted"
ENROL_SALT = "stride.staff.two_factor_enrol"


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
    session.pop(ENROL_GRANTED_KEY, None)
    return device


def enrolment_link_send(*, user: Any, session: SessionBase) -> bool:
    """Email the person a one-time link that lets this session enrol an authenticator.

    A new request replaces the last one (its link stops working). False if the account has no
    email address: an admin must add one first.
    """
    if not user.email:
        return False
    nonce = secrets.token_urlsafe(16)
    session[ENROL_NONCE_KEY] = nonce
    session.pop(ENROL_GRANTED_KEY, None)
    session.pop(PENDING_KEY, None)
    token = signing.dumps({"u": user.pk, "n": nonce}, salt=ENROL_SALT)
    link = settings.SITE_URL + reverse("dashboard:two_factor_enrol", args=[token])
    minutes = int(settings.STAFF_ENROLMENT_LINK_MAX_AGE.total_seconds() // 60)
    send_mail(
        subject=f"{settings.CLINIC_NAME}: set up two-factor sign-in",
        message=(
            "You asked to set up two-factor sign-in for the staff dashboard.\n\n"
            f"Open this link in the same browser, where you are signed in:\n{link}\n\n"
            f"It works once, within {minutes} minutes. If you did not ask for it, tell the "
            "clinic's administrator: someone knows your password."
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    return True


def enrolment_link_open(*, user: Any, session: SessionBase, token: str) -> bool:
    """Spend the link: True (and setup unlocked) only for the session that asked for it."""
    max_age: timedelta = settings.STAFF_ENROLMENT_LINK_MAX_AGE
    try:
        payload = signing.loads(token, salt=ENROL_SALT, max_age=max_age)
    except signing.BadSignature:
        return False
    expected = session.get(ENROL_NONCE_KEY)
    if not isinstance(payload, dict) or payload.get("u") != user.pk:
        return False
    if not expected or not secrets.compare_digest(str(payload.get("n", "")), expected):
        return False
    del session[ENROL_NONCE_KEY]
    session[ENROL_GRANTED_KEY] = True
    return True


def enrolment_granted(session: SessionBase) -> bool:
    return bool(session.get(ENROL_GRANTED_KEY))


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

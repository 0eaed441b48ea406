"""Staff test users' shared password (the dashboard fixtures sign in with it)."""

PASSWORD = "correct horse battery staple"


def totp_code(key: str) -> str:
    """The current six-digit code for a TOTP secret (hex, as django-otp stores it)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice(key=key)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrolment_link(client) -> str:
    """Ask for the one-time two-factor enrolment link as the signed-in `client`; return its
    path, read from the email it sends (the test settings keep mail in `mail.outbox`)."""
    import re

    from django.core import mail

    response = client.post("/staff/two-factor/", {"send_link": "1"})
    assert response.status_code in (200, 302), response.status_code
    match = re.search(r"https?://[^/\s]+(/staff/two-factor/enrol/[^\s]+)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)

"""Staff sign-in: passwords, lockout (django-axes), TOTP two-factor, session limits."""

import time

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dashboard.models import AuditEvent
from tests.support.staff import PASSWORD, enrolment_link

pytestmark = pytest.mark.django_db


def _login(client, username, password=PASSWORD, **extra):
    return client.post("/staff/login/", {"username": username, "password": password, **extra})


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_the_sign_in_page_is_the_login_url(client, settings):
    assert settings.LOGIN_URL == "/staff/login/"
    response = client.get("/staff/login/")
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()


def test_a_clinician_signs_in_and_lands_on_the_queue(client, clinician):
    response = _login(client, "dr.quinn")
    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    assert AuditEvent.objects.filter(action="login", actor=clinician).exists()


def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(client, clinician):
    response = client.post(
        "/staff/login/", {"username": "dr.quinn", "password": PASSWORD, "next": "/staff/messages/"}
    )
    assert response["Location"] == "/staff/messages/"
    client.logout()
    response = client.post(
        "/staff/login/",
        {"username": "dr.quinn", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/staff/"


def test_a_wrong_password_is_a_400_with_a_message(client, clinician):
    response = _login(client, "dr.quinn", "wrong")
    assert response.status_code == 400
    assert "Please enter a correct username and password" in response.content.decode()
    assert client.get("/staff/").status_code == 302


def test_an_empty_sign_in_form_names_each_missing_field(client):
    response = client.post("/staff/login/", {})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() >= {"username", "password"}


def test_repeated_failures_lock_the_account_even_with_the_right_password(
    client, clinician, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "dr.quinn", "wrong")
    response = _login(client, "dr.quinn")
    assert response.status_code == 429
    assert "Sign-in locked" in response.content.decode()
    assert client.get("/staff/").status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, clinician, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "dr.quinn", "wrong")
    assert _login(client, "dr.quinn").status_code == 302
    client.post("/staff/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "dr.quinn", "wrong")
    assert _login(client, "dr.quinn").status_code == 302


def test_sign_out_is_a_post_and_ends_the_session(clinician_client, clinician):
    assert clinician_client.get("/staff/logout/").status_code == 405
    response = clinician_client.post("/staff/logout/")
    assert response.status_code == 302
    assert clinician_client.get("/staff/").status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor=clinician).exists()


def test_an_outsider_can_sign_in_but_sees_nothing(client, outsider):
    assert _login(client, "olive.outsider").status_code == 302
    assert client.get("/staff/").status_code == 403


# --- Two-factor -------------------------------------------------------------------------------


@pytest.fixture
def device(clinician):
    return TOTPDevice.objects.create(user=clinician, name="phone", confirmed=True)


def test_staff_with_a_device_must_give_its_code(client, clinician, device):
    response = _login(client, "dr.quinn")
    assert response.status_code == 400
    # The same answer as a wrong password: nothing says the password was right.
    assert "Please enter a correct username and password" in response.content.decode()
    assert client.get("/staff/").status_code == 302
    assert _login(client, "dr.quinn", otp_token=_code(device)).status_code == 302
    assert client.get("/staff/").status_code == 200


def test_when_two_factor_is_required_a_password_alone_is_not_enough(client, clinician, settings):
    settings.STAFF_REQUIRE_2FA = True
    assert _login(client, "dr.quinn").status_code == 302
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/two-factor/"


def test_setting_up_two_factor_confirms_the_device_and_opens_the_dashboard(
    client, clinician, settings
):
    settings.STAFF_REQUIRE_2FA = True
    _login(client, "dr.quinn")
    client.get(enrolment_link(client))  # the one-time link emailed to the signed-in person
    page = client.get("/staff/two-factor/")
    assert page.status_code == 200
    assert "data:image/svg+xml" in page.content.decode()
    assert not TOTPDevice.objects.exists()  # a GET writes nothing
    bad = client.post("/staff/two-factor/", {"otp_token": "000000"})
    assert bad.status_code == 400
    key = client.session["dashboard_2fa_pending_key"]
    # django-otp throttles after a failure (1 s, doubling): the right code a little later works.
    with time_machine.travel(time.time() + 5, tick=False):
        code = _code(TOTPDevice(key=key))
        assert client.post("/staff/two-factor/", {"otp_token": code}).status_code == 302
        assert TOTPDevice.objects.get(user=clinician).confirmed
        assert client.get("/staff/").status_code == 200
    assert AuditEvent.objects.filter(action="two_factor_setup", actor=clinician).exists()


def test_a_new_session_passes_two_factor_with_the_existing_device(
    client, clinician, device, settings
):
    settings.STAFF_REQUIRE_2FA = True
    client.force_login(clinician)  # password done, code not yet
    assert client.get("/staff/")["Location"] == "/staff/two-factor/"
    assert "data:image" not in client.get("/staff/two-factor/").content.decode()
    assert client.post("/staff/two-factor/", {"otp_token": _code(device)}).status_code == 302
    assert client.get("/staff/").status_code == 200


def test_production_requires_two_factor_by_default():
    import subprocess
    import sys

    script = (
        "import os,secrets;os.environ.update(DJANGO_ENV='production',"
        "SECRET_KEY=secrets.token_urlsafe(48),ALLOWED_HOSTS='clinic.example',"
        "SITE_URL='https://clinic.example',EMAIL_URL='smtp://mail.clinic.example',"
        "SMS_BACKEND='clinic.messaging.sms.TwilioSmsBackend');from django.conf import settings;"
        "import django;django.setup();print(settings.STAFF_REQUIRE_2FA)"
    )
    env = {"DJANGO_SETTINGS_MODULE": "clinic.settings", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.stdout.strip().splitlines()[-1] == "True", out.stderr


# --- Session limits ----------------------------------------------------------------------------


def test_a_session_ends_after_thirty_minutes_idle(client, clinician, settings):
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    start = time.time()
    with time_machine.travel(start, tick=False):
        _login(client, "dr.quinn")
        assert client.get("/staff/").status_code == 200
    with time_machine.travel(start + 29 * 60, tick=False):
        assert client.get("/staff/").status_code == 200
    with time_machine.travel(start + 29 * 60 + 31 * 60, tick=False):
        response = client.get("/staff/")
        assert response.status_code == 302
        assert response["Location"].startswith("/staff/login/")
        assert client.get("/staff/").status_code == 302
    assert AuditEvent.objects.filter(action="session_expired", actor=clinician).exists()


def test_a_busy_session_still_ends_twelve_hours_after_sign_in(client, clinician, settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    start = time.time()
    with time_machine.travel(start, tick=False):
        _login(client, "dr.quinn")
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + minutes * 60, tick=False):
            assert client.get("/staff/").status_code == 200
    with time_machine.travel(start + 12 * 3600 + 60, tick=False):
        assert client.get("/staff/").status_code == 302


def test_the_live_refresh_does_not_keep_an_idle_session_alive(client, clinician):
    start = time.time()
    with time_machine.travel(start, tick=False):
        _login(client, "dr.quinn")
        client.get("/staff/")
    for minutes in (10, 20, 29):
        with time_machine.travel(start + minutes * 60, tick=False):
            assert client.get("/staff/", headers={"X-Stride-Refresh": "1"}).status_code == 200
    with time_machine.travel(start + 31 * 60, tick=False):
        assert client.get("/staff/", headers={"X-Stride-Refresh": "1"}).status_code == 401

"""The Django admin behind the staff door: two-factor when required, an audit row per look at
patient data, and a wrong code counted as a failed sign-in without saying the password was right."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dashboard.models import AuditEvent
from tests.support.factories import make_intake
from tests.support.staff import PASSWORD

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("ada.admin", "ada@clinic.example", PASSWORD)


@pytest.fixture
def admin_device(admin_user):
    return TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)


def _sign_in(browser: Client, username: str, **extra: str):
    return browser.post("/staff/login/", {"username": username, "password": PASSWORD, **extra})


def test_the_admin_refuses_a_password_only_session_when_two_factor_is_required(
    admin_user, admin_device, settings
):
    settings.STAFF_REQUIRE_2FA = True
    intake = make_intake()
    browser = Client()
    browser.force_login(admin_user)  # password passed, code not yet
    for url in ("/admin/", f"/admin/intake/intake/{intake.pk}/change/"):
        response = browser.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/staff/")
    assert not AuditEvent.objects.filter(action="admin_view").exists()


def test_the_admin_opens_once_the_code_is_given(admin_user, admin_device, settings):
    settings.STAFF_REQUIRE_2FA = True
    intake = make_intake()
    browser = Client()
    assert _sign_in(browser, "ada.admin", otp_token=_code(admin_device)).status_code == 302
    assert browser.get(f"/admin/intake/intake/{intake.pk}/change/").status_code == 200


def test_the_admin_sign_in_page_sends_people_to_the_staff_sign_in(admin_user, settings):
    settings.STAFF_REQUIRE_2FA = True
    response = Client().post(
        "/admin/login/", {"username": "ada.admin", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")
    browser = Client()
    browser.post("/admin/login/", {"username": "ada.admin", "password": PASSWORD})
    assert browser.get("/admin/").status_code == 302


def test_every_admin_look_at_patient_data_is_audited(admin_user):
    intake = make_intake()
    browser = Client()
    browser.force_login(admin_user)
    assert browser.get(f"/admin/intake/intake/{intake.pk}/change/").status_code == 200
    event = AuditEvent.objects.get(action="admin_view", object_type="intake.intake")
    assert event.object_id == intake.pk
    assert event.actor == admin_user
    assert browser.get("/admin/intake/patient/").status_code == 200
    listed = AuditEvent.objects.get(action="admin_view", object_type="intake.patient")
    assert listed.object_ids == [intake.patient_id]
    assert browser.get("/admin/messaging/message/").status_code == 200
    assert AuditEvent.objects.filter(object_type="messaging.message").exists()
    assert browser.get(f"/admin/intake/intake/{intake.pk}/history/").status_code == 200
    assert AuditEvent.objects.filter(action="admin_view", object_type="intake.intake").count() == 2


def test_a_right_password_with_a_wrong_code_reads_like_a_wrong_password(
    client, admin_user, admin_device
):
    wrong_password = client.post("/staff/login/", {"username": "ada.admin", "password": "nope"})
    wrong_code = _sign_in(client, "ada.admin", otp_token="000000")
    no_code = _sign_in(client, "ada.admin")
    for response in (wrong_code, no_code):
        assert response.status_code == wrong_password.status_code == 400
        assert response.context["form"].errors == wrong_password.context["form"].errors


def test_a_right_password_with_a_wrong_code_counts_towards_the_lockout(
    client, admin_user, admin_device, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "ada.admin", otp_token="000000")
    response = _sign_in(client, "ada.admin", otp_token=_code(admin_device))
    assert response.status_code == 429
    assert AuditEvent.objects.filter(action="login_failed").count() >= settings.AXES_FAILURE_LIMIT

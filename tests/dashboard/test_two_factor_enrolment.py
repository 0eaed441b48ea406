"""Lockout per (username, address), and TOTP enrolment that needs both a signed-in session and
a one-time link sent to the person's email."""

import re

import pytest
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.support.staff import PASSWORD, enrolment_link, totp_code

pytestmark = pytest.mark.django_db

HERE = {"REMOTE_ADDR": "10.0.0.1"}
ELSEWHERE = {"REMOTE_ADDR": "10.9.9.9"}


def _login(browser: Client, username: str, password: str = PASSWORD, **meta: str):
    return browser.post("/staff/login/", {"username": username, "password": password}, **meta)


def test_failures_from_elsewhere_never_lock_a_colleague_out(clinician, settings):
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        _login(attacker, "dr.quinn", "guess", **ELSEWHERE)
    assert _login(attacker, "dr.quinn", **ELSEWHERE).status_code == 429
    assert _login(Client(), "dr.quinn", **HERE).status_code == 302


def test_failures_for_one_name_never_lock_others_at_the_same_address(
    clinician, front_desk, settings
):
    browser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        _login(browser, "dr.quinn", "guess", **HERE)
    assert _login(Client(), "frank.desk", **HERE).status_code == 302


def test_the_setup_page_shows_no_secret_without_the_emailed_link(client, clinician, settings):
    settings.STAFF_REQUIRE_2FA = True
    client.force_login(clinician)
    page = client.get("/staff/two-factor/").content.decode()
    assert "data:image" not in page
    assert "dashboard_2fa_pending_key" not in client.session
    assert not mail.outbox  # a GET sends nothing
    response = client.post("/staff/two-factor/", {"otp_token": "123456"})
    assert response.status_code == 400
    assert not TOTPDevice.objects.exists()


def test_the_link_is_emailed_to_the_signed_in_person_and_opens_setup_once(
    client, clinician, settings
):
    settings.STAFF_REQUIRE_2FA = True
    client.force_login(clinician)
    link = enrolment_link(client)
    assert mail.outbox[-1].to == [clinician.email]
    assert "data:image" in client.get(link, follow=True).content.decode()
    key = client.session["dashboard_2fa_pending_key"]
    assert client.post("/staff/two-factor/", {"otp_token": totp_code(key)}).status_code == 302
    assert TOTPDevice.objects.get(user=clinician).confirmed
    assert client.get(link).status_code == 404  # spent


def test_the_link_is_useless_without_the_session_that_asked_for_it(client, clinician, settings):
    settings.STAFF_REQUIRE_2FA = True
    client.force_login(clinician)
    link = enrolment_link(client)
    anonymous = Client()
    assert anonymous.get(link).status_code in (302, 404)
    other_session = Client()
    other_session.force_login(clinician)
    assert other_session.get(link).status_code == 404
    assert "data:image" not in other_session.get("/staff/two-factor/").content.decode()


def test_a_colleagues_link_does_not_open_setup(client, clinician, front_desk, settings):
    settings.STAFF_REQUIRE_2FA = True
    client.force_login(clinician)
    link = enrolment_link(client)
    desk = Client()
    desk.force_login(front_desk)
    assert desk.get(link).status_code == 404
    assert re.search(r"/staff/two-factor/enrol/[^/]+/", link)

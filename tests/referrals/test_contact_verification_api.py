"""The contact check through the API (issue 13 #9 for API clients): `POST
/api/v1/contact-verification/` sends a code by SMS or a link by email, `…/confirm/` takes the
code; booking answers 403 `contact_not_verified` until then. The same rules as the web pages
(referrals/verification.py): five tries, thirty minutes, one send a minute."""

import json
import re
from datetime import timedelta

import pytest
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from clinic.messaging.models import Message
from intake.links import intake_token
from referrals.models import Appointment, ContactVerification
from tests.support import factories
from tests.support.booking import post_json

pytestmark = pytest.mark.django_db
SEND = "/api/v1/contact-verification/"
CONFIRM = "/api/v1/contact-verification/confirm/"


@pytest.fixture
def slot(clinician):
    from tests.support.booking import open_slots

    return open_slots()[-1]  # far enough ahead to stay bookable when a test moves the clock


def _intake(channel: str = "sms"):
    return factories.make_intake(duration_days=10, patient_overrides={"channel": channel})


def _send(client, intake):
    return post_json(client, SEND, {"token": intake_token(intake)})


def _confirm(client, intake, code):
    return post_json(client, CONFIRM, {"token": intake_token(intake), "code": code})


def _book(client, intake, slot):
    return post_json(
        client, "/api/v1/appointments/", {"slot": slot.pk, "token": intake_token(intake)}
    )


def _texted_code(intake) -> str:
    text = Message.objects.filter(template="contact_verify", about=f"intake:{intake.pk}")
    return re.search(r"\b(\d{6})\b", text.latest("pk").body_text).group(1)


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_a_texted_code_confirms_the_phone_and_opens_booking(client, clock, slot):
    intake = _intake("sms")
    assert _book(client, intake, slot).json()["type"] == "contact_not_verified"
    response = _send(client, intake)
    assert response.status_code == 200
    assert response.json() == {"channel": "sms", "verified": False}
    assert Message.objects.get(template="contact_verify").channel == "sms"
    code = _texted_code(intake)
    response = _confirm(client, intake, f"{code[:3]} {code[3:]}")  # spaces are ignored
    assert response.status_code == 200
    assert response.json() == {"channel": "sms", "verified": True}
    assert "no-store" in response["Cache-Control"]
    assert _book(client, intake, slot).status_code == 201


def test_a_wrong_code_is_refused_and_the_right_one_still_works(client, clock, slot):
    intake = _intake("sms")
    _send(client, intake)
    code = _texted_code(intake)
    response = _confirm(client, intake, _wrong(code))
    assert response.status_code == 400
    assert response.json()["type"] == "verification_failed"
    assert response.json()["detail"] == (
        "That code is not right, or it has expired. Ask for a new one."
    )
    assert _book(client, intake, slot).status_code == 403
    assert _confirm(client, intake, code).json()["verified"] is True


def test_an_expired_code_is_refused_and_a_new_one_works(client, clock, slot):
    intake = _intake("sms")
    _send(client, intake)
    old = _texted_code(intake)
    clock.shift(timedelta(minutes=31))
    response = _confirm(client, intake, old)
    assert response.status_code == 400
    assert response.json()["type"] == "verification_failed"
    assert not ContactVerification.objects.get(intake=intake).verified_at
    _send(client, intake)
    assert _confirm(client, intake, _texted_code(intake)).status_code == 200
    assert _book(client, intake, slot).status_code == 201


def test_guessing_stops_after_five_tries_even_with_the_right_code(client, clock, slot):
    intake = _intake("sms")
    _send(client, intake)
    code = _texted_code(intake)
    for _ in range(5):
        assert _confirm(client, intake, _wrong(code)).status_code == 400
    response = _confirm(client, intake, code)
    assert response.status_code == 400
    assert response.json()["type"] == "verification_failed"
    assert _book(client, intake, slot).json()["type"] == "contact_not_verified"


def test_a_repeat_within_a_minute_sends_nothing_new(client, clock):
    intake = _intake("sms")
    _send(client, intake)
    assert _send(client, intake).status_code == 200
    assert Message.objects.filter(template="contact_verify").count() == 1
    clock.shift(timedelta(seconds=61))
    _send(client, intake)
    assert Message.objects.filter(template="contact_verify").count() == 2


def test_an_email_contact_is_confirmed_by_its_link_and_the_api_then_says_so(client, clock, slot):
    intake = _intake("email")
    assert _send(client, intake).json() == {"channel": "email", "verified": False}
    email = Message.objects.get(template="contact_verify")
    assert email.channel == "email"
    # No code was sent, so none is right.
    assert _confirm(client, intake, "123456").json()["type"] == "verification_failed"
    link = re.search(r"http://testserver(/book/verify/[^\s\"]+/)", email.body_text).group(1)
    assert client.get(link).status_code == 302
    assert _send(client, intake).json() == {"channel": "email", "verified": True}
    assert Message.objects.filter(template="contact_verify").count() == 1  # none sent again
    assert _book(client, intake, slot).status_code == 201


def test_an_urgent_case_has_nothing_to_confirm(client, clock):
    intake = factories.make_intake(red_flags=["calf_swelling_pain"])
    response = _send(client, intake)
    assert response.status_code == 403
    assert response.json()["type"] == "booking_not_offered"
    assert _confirm(client, intake, "123456").status_code == 403
    assert not Message.objects.filter(template="contact_verify").exists()


OMIT = object()
REQUIRED = ["This field is required."]
SIX_DIGITS = ["Must be the six digits from the text message."]


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"token": OMIT, "code": OMIT}, {"token": REQUIRED, "code": REQUIRED}),
        ({"token": OMIT}, {"token": ["This field is required."]}),
        ({"code": OMIT}, {"code": ["This field is required."]}),
        ({"code": "abcdef"}, {"code": SIX_DIGITS}),
        ({"code": "12345"}, {"code": SIX_DIGITS}),
        ({"code": "1234567"}, {"code": SIX_DIGITS}),
        ({"code": "١٢٣٤٥٦"}, {"code": SIX_DIGITS}),  # Arabic-Indic digits are not the code
        ({"code": "123 456 789 0"}, {"code": ["Ensure this field has no more than 12 characters."]}),  # noqa: E501
        ({"code": ""}, {"code": ["This field may not be blank."]}),
        ({"code": None}, {"code": ["This field may not be null."]}),
        ({"code": ["123456"]}, {"code": SIX_DIGITS}),
        ({"token": "x" * 401}, {"token": ["Ensure this field has no more than 400 characters."]}),
        ({"slot": 4}, {"slot": ["Unknown field."]}),
    ],
)  # fmt: skip
def test_bad_input_is_refused_field_by_field_and_changes_nothing(client, clock, fields, errors):
    intake = _intake("sms")
    _send(client, intake)
    code = _texted_code(intake)
    body = {"token": intake_token(intake), "code": code, **fields}
    body = {key: value for key, value in body.items() if value is not OMIT}
    response = post_json(client, CONFIRM, body)
    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert response.json()["errors"] == errors
    row = ContactVerification.objects.get(intake=intake)
    assert (row.attempts, row.verified_at) == (0, None)


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"token": ["This field is required."]}),
        ({"token": ""}, {"token": ["This field may not be blank."]}),
        ({"token": 7 * [1]}, {"token": ["Not a valid string."]}),
        ({"token": "t", "channel": "email"}, {"channel": ["Unknown field."]}),
    ],
)
def test_a_bad_send_request_is_refused_field_by_field_and_sends_nothing(client, body, errors):
    response = post_json(client, SEND, body)
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert not Message.objects.exists()


def test_a_body_that_is_not_an_object_is_refused(client):
    for url in (SEND, CONFIRM):
        response = client.post(url, json.dumps(["token"]), content_type="application/json")
        assert response.status_code == 400
        assert response.json()["errors"] == {"non_field_errors": ["Expected a JSON object."]}


def test_a_tampered_or_expired_token_is_refused(client, clock, settings):
    intake = _intake("sms")
    token = intake_token(intake)
    assert post_json(client, SEND, {"token": token[:-2] + "xx"}).status_code == 404
    clock.shift(settings.PATIENT_LINK_MAX_AGE + timedelta(days=1))
    assert post_json(client, SEND, {"token": token}).status_code == 410
    assert post_json(client, CONFIRM, {"token": token, "code": "123456"}).status_code == 410
    assert not Message.objects.exists()


def test_the_check_is_throttled_like_every_patient_endpoint(client, clock, monkeypatch):
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "patient_token": "2/minute"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    intake = _intake("sms")
    codes = [_confirm(client, intake, "123456").status_code for _ in range(3)]
    assert codes == [400, 400, 429]
    assert _send(client, intake).status_code == 429
    assert not Appointment.objects.exists()

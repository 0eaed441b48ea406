"""The patient's web pages: safety first, the form's field-by-field errors, the result."""

import pytest
import time_machine

from intake import triage
from intake.links import intake_token
from intake.models import Intake, Patient
from intake.selectors import intake_get_by_token
from tests.support import factories

pytestmark = pytest.mark.django_db

RED_FLAGS = tuple(triage.RED_FLAGS)  # the safety questions, in the order asked


def safety(**yes: bool) -> dict[str, str]:
    return {"step": "safety", **{f: "yes" if yes.get(f) else "no" for f in RED_FLAGS}}


def details(**overrides) -> dict:
    data = {
        "step": "details",
        "safety": "none",
        "knee": "right",
        "pain_locations": ["outside"],
        "pain_triggers": ["running"],
        "run_onset": "after_few_minutes",
        "eases_when_stopping": "yes",
        "pain_now": "4",
        "duration_days": "3",
        "age": "41",
        "name": "Jo Trail",
        "email": "jo@example.com",
        "phone": "",
        "channel": "email",
        "timezone": "Europe/Berlin",
        "consent_follow_up": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_form_asks_the_safety_questions_first(client):
    response = client.get("/intake/")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="cannot_bear_weight"' in content
    assert 'name="pain_now"' not in content
    assert "csrfmiddlewaretoken" in content


def test_a_warning_sign_goes_straight_to_the_urgent_page(client):
    response = client.post("/intake/", safety(numb_cold_foot=True))
    assert response.status_code == 200
    assert b"Please seek medical care today" in response.content
    assert b"checklist" not in response.content
    assert Intake.objects.count() == 0


def test_unanswered_safety_questions_are_asked_again(client):
    data = safety()
    data.pop("calf_swelling_pain")
    response = client.post("/intake/", data)
    assert response.status_code == 400
    assert b"Please answer yes or no." in response.content


def test_no_warning_sign_leads_to_the_age_then_the_rest_of_the_form(client):
    response = client.post("/intake/", safety())
    assert response.status_code == 200
    assert b'name="age"' in response.content
    assert b'name="pain_now"' not in response.content
    assert b'name="safety" value="none"' in response.content
    response = client.post("/intake/", {"step": "age", "safety": "none", "age": "41"})
    assert response.status_code == 200
    assert b'name="pain_now"' in response.content
    assert b'name="safety" value="none"' in response.content
    assert b'name="age" value="41"' in response.content
    assert b'id="guardian"' not in response.content  # an adult


def test_a_complete_form_saves_the_intake_and_shows_the_result(client):
    response = client.post("/intake/", details())
    assert response.status_code == 302
    intake = Intake.objects.get()
    token = response["Location"].removeprefix("/intake/r/").removesuffix("/")
    assert intake_get_by_token(token) == intake
    assert intake.pattern == "it_band_syndrome"
    assert intake.patient.timezone == "Europe/Berlin"
    assert intake.answers["eases_when_stopping"] is True
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "IT band" in text
    assert (
        "Optional: foam-roll the muscles at the side of your hip and the front of your thigh, "
        "not the sore spot beside the knee." in text
    )
    assert "This is not a diagnosis." in text
    assert "(Central European Time)" in text  # the follow-up date is in the patient's zone


def test_skipping_the_safety_step_is_not_possible(client):
    response = client.post("/intake/", details(safety="skipped"))
    assert response.status_code == 400
    assert Intake.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"pain_now": "11"}, "pain_now", "less than or equal to 10"),
        ({"pain_now": "ten"}, "pain_now", "Enter a whole number"),
        ({"pain_now": None}, "pain_now", "This field is required"),
        ({"age": "9"}, "age", "greater than or equal to 12"),
        ({"duration_days": "-1"}, "duration_days", "greater than or equal to 0"),
        ({"pain_locations": None}, "pain_locations", "This field is required"),
        ({"pain_locations": ["elbow"]}, "pain_locations", "Select a valid choice"),
        ({"knee": "middle"}, "knee", "Select a valid choice"),
        ({"email": "nope"}, "email", "Enter a valid email address"),
        ({"phone": "123"}, "phone", "Enter a valid phone number"),
        ({"channel": "sms", "phone": ""}, "phone", "mobile number"),
        ({"email": ""}, "email", "email address"),
        ({"timezone": "Mars/Base"}, "timezone", "Select a valid choice"),
        ({"name": ""}, "name", "This field is required"),
        ({"cadence_spm": "99"}, "cadence_spm", "greater than or equal to 100"),
        ({"shoe_km": "lots"}, "shoe_km", "Enter a number"),
    ],
)
def test_bad_answers_are_shown_next_to_their_field_and_nothing_is_saved(
    client, overrides, field, message
):
    response = client.post("/intake/", details(**overrides))
    assert response.status_code == 400
    form = response.context["form"]  # the step where the field is (the age: its own page)
    assert field in form.errors, form.errors
    assert message in " ".join(form.errors[field])
    assert Intake.objects.count() == 0
    assert Patient.objects.count() == 0
    # What was typed is kept (on the age page, in the hidden answers it carries).
    kept = response.context["carry"] if field == "age" else form
    assert kept["name"].value() == details(**overrides).get("name", "")
    if name := details(**overrides).get("name"):
        assert f'name="name" value="{name}"' in response.content.decode()


def test_the_result_link_refuses_a_tampered_token(client):
    intake = factories.make_intake()
    response = client.get(f"/intake/r/{intake_token(intake)}x/")
    assert response.status_code == 404
    assert b"This link is not valid" in response.content


def test_the_result_link_expires(client, settings):
    from datetime import timedelta

    intake = factories.make_intake()
    token = intake_token(intake)
    settings.PATIENT_LINK_MAX_AGE = timedelta(seconds=-1)
    response = client.get(f"/intake/r/{token}/")
    assert response.status_code == 410
    assert b"expired" in response.content


def test_an_urgent_result_shows_no_pattern_and_no_self_care(client):
    intake = factories.make_intake(red_flags=["cannot_bear_weight"])
    response = client.get(f"/intake/r/{intake_token(intake)}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Please seek medical care today" in text
    assert "Runner" not in text
    assert "Ice the knee" not in text
    assert "We have let the clinic know" in text


def test_the_form_is_rate_limited(client, settings):
    # The limit counts per clock minute: keep all 31 posts inside one.
    with time_machine.travel("2026-11-25 10:00:05Z", tick=False):
        for _ in range(30):
            client.post("/intake/", safety())
        response = client.post("/intake/", safety())
    assert response.status_code == 429


def test_every_page_sends_the_security_headers(client):
    response = client.get("/intake/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"

"""The intake API: the contract partners rely on, and every way bad input is refused."""

import json

import pytest
import time_machine
from django.core import mail

from intake.links import intake_token
from intake.models import FollowUp, Intake, Patient, Referral, StaffAlert, TriageOutcome
from tests.support import factories

URL = "/api/v1/intakes/"
pytestmark = pytest.mark.django_db


def post(client, data, **kwargs):
    return client.post(URL, data=json.dumps(data), content_type="application/json", **kwargs)


def test_it_creates_an_intake_with_the_contract_shape(client):
    response = post(client, factories.body())
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"id", "token", "patient", "triage", "links"}
    assert data["patient"] == {"guardian": None, "language": "en"}  # an adult
    assert set(data["triage"]) == {
        "pattern",
        "secondary_patterns",
        "urgency",
        "red_flags",
        "advice",
        "factors",
        "matched_signs",
        "rules_version",
        # Rules 2026.12.1 extend the triage object; nothing was renamed.
        "care_route",
        "care_route_text",
        "assessment_reasons",
        "disclaimer",
        "pattern_name",
    }
    assert data["triage"]["pattern"] == "runners_knee"
    assert data["triage"]["urgency"] == "self_care"
    assert data["triage"]["advice"][0] == {
        "id": "pain_guided_running",
        "text": "Keep running only as far and as fast as keeps your pain at 3 out of 10 or "
        "lower, and settled by the next morning. Stop if the pain is sharp, makes you limp, or "
        "is worse the next day.",
    }
    assert data["triage"]["advice"][-1]["id"] == "monitor_pain"
    assert data["links"]["result"].startswith("http://testserver/intake/r/")
    intake = Intake.objects.get(pk=data["id"])
    assert intake.outcome.pattern == "runners_knee"
    assert intake.patient.phone == "+12025550143"


def test_the_stored_answers_are_the_cleaned_answers_and_clean_to_themselves(client):
    from intake import triage

    minimal = {
        k: v
        for k, v in factories.answers().items()
        if k in ("knee", "pain_locations", "pain_now", "duration_days", "age", "red_flags")
    }
    data = post(client, {"patient": factories.patient(), "answers": minimal}).json()
    stored = Intake.objects.get(pk=data["id"]).answers
    assert stored["injury_event"] == "none_gradual"
    assert stored["running_specific_shoes"] is True
    # Missing optional answers are stored as null; the spec lets a client send null only
    # for shoe_km and cadence_spm, so those nulls are left out when the answers are re-sent.
    assert {k for k, v in stored.items() if v is None} == {
        "run_onset",
        "pain_worst_week",
        "weekly_km",
        "shoe_km",
        "cadence_spm",
    }
    resent = {k: v for k, v in stored.items() if v is not None or triage.QUESTIONS[k].nullable}
    assert triage.clean_answers(resent) == stored


def test_it_schedules_the_follow_up_a_week_later_with_consent(client):
    data = post(client, factories.body()).json()
    intake = Intake.objects.get(pk=data["id"])
    follow_up = FollowUp.objects.get(intake=intake)
    assert (follow_up.due_at - intake.submitted_at).days == 7
    assert follow_up.channel == "email"


def test_it_schedules_no_follow_up_without_consent(client):
    post(client, factories.body(patient_overrides={"consent_follow_up": False}))
    assert FollowUp.objects.count() == 0


def test_it_reads_the_intake_back_with_the_token(client):
    with time_machine.travel("2026-11-25 10:00:00Z", tick=False):  # tokens carry a timestamp
        created = post(client, factories.body()).json()
        response = client.get(f"{URL}{created['token']}/")
    assert response.status_code == 200
    assert response.json() == created


def test_it_refuses_a_tampered_token(client):
    created = post(client, factories.body()).json()
    response = client.get(f"{URL}{created['token'][:-2]}xx/")
    assert response.status_code == 404
    assert response.json()["type"] == "invalid_link"


def test_it_hides_the_pattern_of_an_urgent_intake_and_alerts_the_clinic(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, factories.body(red_flags=["calf_swelling_pain"]))
    assert response.status_code == 201
    triage = response.json()["triage"]
    assert triage["urgency"] == "urgent"
    assert triage["pattern"] is None
    assert triage["advice"] == [
        {"id": "seek_urgent_care", "text": "Do not run. Get medical help as shown below."}
    ]
    intake = Intake.objects.get()
    assert intake.outcome.pattern == "runners_knee"  # kept for clinicians
    assert Referral.objects.filter(intake=intake, reason="urgent").exists()
    assert FollowUp.objects.count() == 0
    assert intake.source == "api"
    assert StaffAlert.objects.filter(intake=intake, acknowledged_at=None).exists()
    # The clinic's alert carries no health data; the patient hears their route at once.
    (staff,) = [m for m in mail.outbox if m.to == ["triage@clinic.example"]]
    assert "calf" not in staff.body.lower()
    (patient,) = [m for m in mail.outbox if m.to != ["triage@clinic.example"]]
    assert patient.to == [factories.patient()["email"]]
    assert "Get seen today at an emergency department" in patient.body
    assert "If you become short of breath or have chest pain, call 911 now." in patient.body
    assert len(mail.outbox) == 2


# --- The triage fields of rules 2026.12.1 ---------------------------------------------------


def test_a_self_care_answer_names_the_pattern_with_the_disclaimer_and_no_route(client):
    data = post(client, factories.body()).json()["triage"]
    assert data["pattern_name"] == "Runner's knee (pain around the kneecap)"
    assert data["disclaimer"] == (
        "This is not a diagnosis. It is a guide based on your answers, to help you and our "
        "clinicians. If your symptoms get worse, or you notice any of the warning signs above, "
        "seek medical care. In an emergency call your local emergency number."
    )
    assert data["care_route"] is None
    assert data["care_route_text"] is None
    assert data["assessment_reasons"] == []


def test_an_assessment_answer_lists_its_reasons_in_the_specs_order(client):
    body = factories.body(
        duration_days=30,
        pain_now=8,
        pain_locations=["all_over"],
        pain_triggers=["at_rest"],
        symptoms=["locking"],
    )
    response = post(client, body)
    data = response.json()["triage"]
    assert data["urgency"] == "assessment"
    assert data["assessment_reasons"] == [
        {"id": "pattern_needs_exam", "text": "Your answers need a clinician to examine the knee."},
        {"id": "locking_or_giving_way", "text": "Your knee catches or gives way."},
        {"id": "severe_pain", "text": "Your pain is severe."},
        {"id": "lasted_over_a_week", "text": "You have had this pain for more than a week."},
    ]
    assert data["care_route"] is None and data["care_route_text"] is None
    assert data["pattern_name"] == "Possible meniscus tear"


def test_an_urgent_answer_gives_the_route_with_the_settings_filled_in(client, settings):
    settings.EMERGENCY_NUMBER = "999"
    created = post(client, factories.body(red_flags=["hot_swollen_fever"])).json()
    data = created["triage"]
    assert data["care_route"] == "emergency"
    assert data["care_route_text"] == (
        "Go to an emergency department now, or call 999. Do not drive yourself."
    )
    assert (data["pattern"], data["pattern_name"]) == (None, None)
    assert data["assessment_reasons"] == []
    assert data["red_flags"] == ["hot_swollen_fever"]
    assert data["disclaimer"].startswith("This is not a diagnosis.")
    same_day = post(client, factories.body(red_flags=["cannot_straighten"])).json()["triage"]
    assert same_day["care_route"] == "same_day"
    assert "Call the clinic on +1 555 010 0199 if you are unsure" in same_day["care_route_text"]
    late = post(client, factories.body(red_flags=["night_pain_weight_loss"])).json()["triage"]
    assert late["care_route"] == "within_48h"
    # Reading it back with the token answers the same fields.
    assert client.get(f"{URL}{created['token']}/").json()["triage"] == data


def test_a_stored_blank_care_route_reads_back_as_null(client):
    intake = factories.make_intake(red_flags=["calf_swelling_pain"])
    TriageOutcome.objects.filter(intake=intake).update(care_route="", rules_version="2026.11.1")
    data = client.get(f"{URL}{intake_token(intake)}/").json()["triage"]
    assert data["urgency"] == "urgent"
    assert (data["care_route"], data["care_route_text"]) == (None, None)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda b: b["answers"].update(favourite_colour="blue"), "answers.favourite_colour"),
        (lambda b: b["answers"].update(pain_now="5"), "answers.pain_now"),
        (lambda b: b["answers"].update(pain_now=11), "answers.pain_now"),
        (lambda b: b["answers"].update(pain_now=-1), "answers.pain_now"),
        (lambda b: b["answers"].update(age=11), "answers.age"),
        (lambda b: b["answers"].update(duration_days=3651), "answers.duration_days"),
        (lambda b: b["answers"].update(pain_locations=[]), "answers.pain_locations"),
        (lambda b: b["answers"].update(pain_locations=["elbow"]), "answers.pain_locations"),
        (lambda b: b["answers"].pop("red_flags"), "answers.red_flags"),
        (lambda b: b["answers"].update(red_flags=["headache"]), "answers.red_flags"),
        (lambda b: b["answers"].update(recent_increase="yes"), "answers.recent_increase"),
        (lambda b: b["patient"].update(email="not-an-email"), "patient.email"),
        (lambda b: b["patient"].update(phone="12"), "patient.phone"),
        (lambda b: b["patient"].update(timezone="Mars/Olympus"), "patient.timezone"),
        (lambda b: b["patient"].update(timezone={}), "patient.timezone"),
        (lambda b: b["patient"].update(name=["A"]), "patient.name"),
        (lambda b: b["patient"].update(channel="sms", phone=""), "patient.phone"),
        (lambda b: b["patient"].update(email=""), "patient.email"),
        (lambda b: b["patient"].update(channel="pigeon"), "patient.channel"),
        (lambda b: b["patient"].pop("name"), "patient.name"),
        (lambda b: b.update(extra=1), "extra"),
        (lambda b: b.pop("answers"), "answers"),
        (lambda b: b.update(answers=[1, 2]), "answers"),
    ],
)
def test_it_refuses_bad_input_naming_the_field_and_writes_nothing(client, mutate, field):
    data = factories.body()
    mutate(data)
    response = post(client, data)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["type"] == "validation_error"
    assert field in body["errors"], body
    assert Intake.objects.count() == 0
    assert Patient.objects.count() == 0
    assert TriageOutcome.objects.count() == 0


def test_it_reports_every_bad_field_at_once(client):
    data = factories.body(pain_now=99, age=5, patient_overrides={"email": "nope"})
    errors = post(client, data).json()["errors"]
    assert {"answers.pain_now", "answers.age", "patient.email"} <= set(errors)


def test_it_refuses_a_body_that_is_not_json(client):
    response = client.post(URL, data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["type"] == "parse_error"
    assert Intake.objects.count() == 0


def test_it_refuses_a_json_array(client):
    response = client.post(URL, data="[]", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"non_field_errors": ["Expected a JSON object."]}


def test_it_names_unknown_and_missing_top_level_fields_together(client):
    response = post(client, {"patient": factories.patient(), "colour": "blue"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "colour": ["Unknown field."],
        "answers": ["This field is required."],
    }


def test_a_null_patient_or_answers_is_refused_in_the_services_words(client):
    response = post(client, {"patient": None, "answers": None})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "patient": ["Must be an object with the patient's details."],
        "answers": ["Must be an object with the answers to the questions."],
    }
    assert Intake.objects.count() == 0


def test_it_refuses_a_body_over_64_kb_with_413(client):
    data = factories.body(patient_overrides={"name": "x" * 70_000})
    response = post(client, data)
    assert response.status_code == 413
    assert response.json()["type"] == "payload_too_large"
    assert Intake.objects.count() == 0


def test_it_refuses_form_encoded_bodies(client):
    response = client.post(URL, data={"patient": "x"})
    assert response.status_code == 415


def test_it_throttles_a_flood_of_submissions(client, settings):
    from rest_framework.settings import api_settings

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "intake_submit": "2/minute"}
    from rest_framework.throttling import ScopedRateThrottle

    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = rates
    try:
        codes = [post(client, factories.body()).status_code for _ in range(3)]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original
    assert codes == [201, 201, 429]


def test_the_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/intakes/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


def test_a_throttled_submission_says_when_to_retry_as_drf_would(client, monkeypatch):
    """The one-round-trip window keeps DRF's Retry-After: the oldest request's remaining time."""
    from rest_framework.settings import api_settings
    from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "intake_submit": "2/minute"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    clock = iter([1000.0, 1010.0, 1015.0, 1060.0, 1061.0])
    monkeypatch.setattr(SimpleRateThrottle, "timer", lambda self: next(clock))
    codes = [post(client, factories.body()).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    refused = post(client, factories.body())  # at 1060 the first has left the window
    assert refused.status_code == 201
    again = post(client, factories.body())  # 1061: full again; the oldest (1010) frees at 1070
    assert again.status_code == 429
    assert again["Retry-After"] == "9"

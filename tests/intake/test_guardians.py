"""Children and guardians (spec section 9): under 16 a parent or guardian answers for the
child and gets every message, under 13 they fill the form in, under 12 the service is not
for them. The API and the web form refuse the same things, field by field, saving nothing."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from clinic.messaging.models import Message
from clinic.messaging.sms import outbox
from intake import triage
from intake.follow_ups import followups_send_due
from intake.models import Intake, Patient
from intake.validation import GUARDIAN_MUST_FILL_IN_MESSAGE
from tests.support import factories

pytestmark = pytest.mark.django_db
URL = "/api/v1/intakes/"
SUBMITTED = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


def guardian(**overrides):
    base = {
        "name": "Sam Parent",
        "relationship": "mother",
        "email": "sam.parent@example.com",
        "phone": "+1 202 555 0188",
        "completed_by_guardian": True,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not ...}


def child_body(*, age=14, patient_overrides=None, **answer_overrides):
    patient = {"name": "Jo Young", "email": "", "phone": "", "guardian": guardian()}
    patient.update(patient_overrides or {})
    return factories.body(patient_overrides=patient, age=age, **answer_overrides)


def post(client, body):
    return client.post(URL, data=json.dumps(body), content_type="application/json")


def assert_nothing_saved():
    assert Patient.objects.count() == 0
    assert Intake.objects.count() == 0
    assert Message.objects.count() == 0


# --- The API -------------------------------------------------------------------------------


def test_a_child_with_a_guardian_is_accepted_and_the_guardian_is_echoed(client):
    response = post(client, child_body())
    assert response.status_code == 201, response.content
    expected = {
        "name": "Sam Parent",
        "relationship": "mother",
        "email": "sam.parent@example.com",
        "phone": "+12025550188",
        "completed_by_guardian": True,
    }
    assert response.json()["patient"] == {"guardian": expected, "language": "en"}
    patient = Patient.objects.get()
    assert (patient.guardian_name, patient.guardian_phone) == ("Sam Parent", "+12025550188")
    token = response.json()["token"]
    assert client.get(f"{URL}{token}/").json()["patient"] == {
        "guardian": expected,
        "language": "en",
    }


def test_an_adult_has_a_null_guardian(client):
    response = post(client, factories.body())
    assert response.json()["patient"] == {"guardian": None, "language": "en"}


@pytest.mark.parametrize("age", [12, 15])
def test_a_child_without_a_guardian_is_refused_and_nothing_is_saved(client, age):
    body = child_body(age=age)
    del body["patient"]["guardian"]
    response = post(client, body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "A parent or guardian's details are needed" in errors["patient.guardian"][0]
    assert_nothing_saved()


def test_a_null_guardian_for_a_child_is_refused(client):
    response = post(client, child_body(patient_overrides={"guardian": None}))
    assert response.status_code == 400
    assert "patient.guardian" in response.json()["errors"]
    assert_nothing_saved()


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"name": ...}, {"patient.guardian.name"}),
        ({"name": "  "}, {"patient.guardian.name"}),
        ({"relationship": ...}, {"patient.guardian.relationship"}),
        ({"email": ..., "phone": ...}, {"patient.guardian.email", "patient.guardian.phone"}),
        ({"email": "not-an-email"}, {"patient.guardian.email"}),
        ({"phone": "12"}, {"patient.guardian.phone"}),
        ({"completed_by_guardian": "yes"}, {"patient.guardian.completed_by_guardian"}),
        ({"nickname": "Mum"}, {"patient.guardian.nickname"}),
        (
            {"name": ..., "relationship": 7},
            {"patient.guardian.name", "patient.guardian.relationship"},
        ),
    ],
)
def test_an_incomplete_guardian_is_refused_field_by_field(client, overrides, fields):
    response = post(client, child_body(patient_overrides={"guardian": guardian(**overrides)}))
    assert response.status_code == 400
    assert set(response.json()["errors"]) == fields
    assert_nothing_saved()


def test_one_of_email_or_phone_is_enough(client):
    only_phone = guardian(email=...)
    body = child_body(patient_overrides={"guardian": only_phone, "channel": "sms"})
    assert post(client, body).status_code == 201


def test_consent_needs_the_guardians_contact_on_the_chosen_channel(client):
    body = child_body(patient_overrides={"guardian": guardian(email=...), "channel": "email"})
    response = post(client, body)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"patient.guardian.email"}
    assert_nothing_saved()


def test_under_13_the_guardian_must_have_filled_it_in(client):
    for completed in (False, ...):
        body = child_body(
            age=12, patient_overrides={"guardian": guardian(completed_by_guardian=completed)}
        )
        response = post(client, body)
        assert response.status_code == 400
        errors = response.json()["errors"]
        assert errors == {"patient.guardian.completed_by_guardian": [GUARDIAN_MUST_FILL_IN_MESSAGE]}
    assert_nothing_saved()
    assert post(client, child_body(age=12)).status_code == 201


def test_at_13_the_guardian_need_not_have_filled_it_in(client):
    body = child_body(age=13, patient_overrides={"guardian": guardian(completed_by_guardian=False)})
    assert post(client, body).status_code == 201


def test_under_12_is_refused_as_out_of_range_with_the_kind_message(client):
    response = post(client, child_body(age=11))
    assert response.status_code == 400
    assert response.json()["errors"]["answers.age"] == [triage.UNDER_12_MESSAGE]
    assert_nothing_saved()


def test_a_guardian_for_an_adult_is_refused(client):
    body = factories.body(patient_overrides={"guardian": guardian()})
    response = post(client, body)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"patient.guardian"}
    assert_nothing_saved()


def test_the_guardian_errors_come_with_every_other_bad_field(client):
    body = child_body(pain_now=11, patient_overrides={"guardian": guardian(name=...)})
    errors = post(client, body).json()["errors"]
    assert {"answers.pain_now", "patient.guardian.name"} <= set(errors)


# --- Messages go to the guardian -----------------------------------------------------------


def test_every_message_for_a_child_goes_to_the_guardians_email(
    client, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(SUBMITTED, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        body = child_body(patient_overrides={"email": "jo@example.com"})
        assert post(client, body).status_code == 201
    with (
        time_machine.travel(SUBMITTED + timedelta(days=7), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        followups_send_due()
    purposes = set(Message.objects.values_list("purpose", flat=True))
    assert {"intake_plan", "follow_up"} <= purposes
    assert set(Message.objects.values_list("recipient", flat=True)) == {"sam.parent@example.com"}
    assert mail.outbox and all(m.to == ["sam.parent@example.com"] for m in mail.outbox)


def test_a_childs_texts_go_to_the_guardians_phone(client, django_capture_on_commit_callbacks):
    outbox.messages.clear()
    with (
        time_machine.travel(SUBMITTED, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        body = child_body(patient_overrides={"channel": "sms", "phone": "+1 202 555 0143"})
        assert post(client, body).status_code == 201
    with (
        time_machine.travel(SUBMITTED + timedelta(days=7), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        followups_send_due()
    assert outbox.messages
    assert {m.to for m in outbox.messages} == {"+12025550188"}


# --- The web form ------------------------------------------------------------------------


def web_details(**overrides):
    data = {
        "step": "details",
        "safety": "none",
        "knee": "right",
        "pain_locations": ["outside"],
        "pain_triggers": ["running"],
        "pain_now": "4",
        "duration_days": "3",
        "duration_unit": "days",
        "age": "14",
        "name": "Jo Young",
        "channel": "email",
        "timezone": "Europe/London",
        "consent_follow_up": "on",
        "guardian_name": "Sam Parent",
        "guardian_relationship": "father",
        "guardian_email": "sam.parent@example.com",
        "guardian_phone": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def age_step(client, age):
    return client.post("/intake/", {"step": "age", "safety": "none", "age": str(age)})


def contact_step(client, age):
    """The form's last step (contact and guardian), reached after the knee questions."""
    answers = {"knee": "right", "pain_now": "3", "duration_days": "2", "pain_locations": "inside"}
    response = client.post("/intake/", {"step": "running", "safety": "none", "age": age, **answers})
    assert b'name="step" value="details"' in response.content
    return response


def test_a_child_of_14_is_asked_for_a_guardian_without_the_box(client):
    html = contact_step(client, 14).content.decode()
    assert 'id="guardian"' in html
    for name in ("guardian_name", "guardian_relationship", "guardian_email", "guardian_phone"):
        assert f'name="{name}"' in html
    assert 'name="completed_by_guardian"' not in html
    assert 'name="email"' not in html  # a child's own contact is not asked


def test_a_child_of_12_is_told_kindly_a_parent_must_fill_it_in_with_the_box(client):
    assert 'id="guardian-fills-in-early"' in age_step(client, 12).content.decode()
    html = contact_step(client, 12).content.decode()
    assert 'id="guardian-fills-in"' in html
    assert "a parent or guardian must fill in this form" in html
    assert 'name="completed_by_guardian"' in html
    assert "I am the parent or guardian filling this in" in html


def test_an_adult_gets_no_guardian_questions(client):
    html = contact_step(client, 16).content.decode()
    assert 'name="guardian_name"' not in html
    assert 'name="email"' in html


def test_under_12_gets_the_kind_page_with_the_warning_signs_and_their_routes(client):
    response = age_step(client, 11)
    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "'")
    assert triage.UNDER_12_MESSAGE in html
    assert "family doctor" in html and "children's health service" in html
    assert "A limping child with a fever needs care today." in html
    for flag in triage.RED_FLAGS.values():
        assert flag.statement in html
    assert "Go to an emergency department now, or call 911." in html
    assert "Get seen today" in html
    assert 'name="pain_now"' not in html
    assert_nothing_saved()


def test_the_age_step_refuses_a_missing_age(client):
    response = client.post("/intake/", {"step": "age", "safety": "none", "age": ""})
    assert response.status_code == 400
    assert "Please tell us the age." in response.content.decode()


def test_a_child_without_a_guardian_on_the_form_gets_field_errors_and_nothing_is_saved(client):
    data = web_details(guardian_name="", guardian_relationship="", guardian_email="")
    response = client.post("/intake/", data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "Please tell us the parent or guardian's name." in errors["guardian_name"]
    assert "how they are related" in errors["guardian_relationship"][0]
    assert errors["guardian_email"] and errors["guardian_phone"]
    html = response.content.decode()
    assert 'id="guardian"' in html and "error-summary" in html
    assert_nothing_saved()


def test_a_bad_guardian_email_on_the_form_is_shown_by_its_field(client):
    response = client.post("/intake/", web_details(guardian_email="nope"))
    assert response.status_code == 400
    assert "guardian_email" in response.context["form"].errors
    assert_nothing_saved()


def test_under_13_without_the_box_is_refused_kindly_on_the_form(client):
    response = client.post("/intake/", web_details(age="12"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["completed_by_guardian"] == [GUARDIAN_MUST_FILL_IN_MESSAGE]
    assert_nothing_saved()
    response = client.post("/intake/", web_details(age="12", completed_by_guardian="on"))
    assert response.status_code == 302
    assert Patient.objects.get().completed_by_guardian is True


def test_a_child_with_a_guardian_on_the_form_is_saved_and_messaged_through_the_guardian(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/intake/", web_details())
    assert response.status_code == 302
    patient = Patient.objects.get()
    assert (patient.guardian_name, patient.guardian_relationship) == ("Sam Parent", "father")
    assert (patient.email, patient.phone) == ("", "")
    plan = Message.objects.get(purpose="intake_plan")
    assert plan.recipient == "sam.parent@example.com"


@pytest.mark.parametrize(
    ("amount", "unit", "days"),
    [("3", "days", 3), ("3", "weeks", 21), ("2", "months", 60), ("5", None, 5)],
)
def test_the_duration_is_asked_in_days_weeks_or_months_and_stored_in_days(
    client, amount, unit, days
):
    data = web_details(age="30", email="jo@example.com", duration_days=amount, duration_unit=unit)
    response = client.post("/intake/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert Intake.objects.get().duration_days == days


def test_a_duration_too_long_once_in_days_is_refused_by_its_field(client):
    response = client.post(
        "/intake/", web_details(age="30", duration_days="200", duration_unit="months")
    )
    assert response.status_code == 400
    assert "duration_days" in response.context["form"].errors
    assert_nothing_saved()

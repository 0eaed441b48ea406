"""A whole journey through the public API (intake, follow-up answer, booking), then every
resource it produced, read back over FHIR and validated by the FHIR model library."""

import json
from datetime import timedelta

import pytest
import time_machine

from clinic.messaging.models import Message
from intake.follow_ups import followups_send_due
from intake.links import follow_up_token
from intake.models import FollowUp, Intake
from referrals.models import Appointment
from tests.support import factories
from tests.support.booking import NOW, book, make_clinician, open_slots
from tests.support.fhir import entries, fhir_json, get, token

pytestmark = pytest.mark.django_db
EVERY_TYPE = {
    "Patient",
    "Questionnaire",
    "QuestionnaireResponse",
    "Observation",
    "RiskAssessment",
    "ServiceRequest",
    "Appointment",
    "Schedule",
    "Slot",
    "Communication",
}


@pytest.fixture
def journey(client, settings, django_capture_on_commit_callbacks) -> Intake:
    settings.TIME_ZONE = "America/New_York"
    with (
        time_machine.travel(NOW - timedelta(days=8), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            "/api/v1/intakes/",
            json.dumps(factories.body(duration_days=10, pain_now=5)),
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
    intake = Intake.objects.get(pk=response.json()["id"])
    with (
        time_machine.travel(NOW - timedelta(days=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        followups_send_due()
        answer = client.post(
            "/api/v1/follow-ups/response/",
            json.dumps(
                {"token": follow_up_token(intake.follow_up), "answer": "same", "pain_now": 5}
            ),
            content_type="application/json",
        )
        assert answer.status_code == 200, answer.content
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        make_clinician()
        booked = book(client, slot=open_slots()[0], intake=intake)
        assert booked.status_code == 201, booked.content
    return intake


def test_the_journey_reaches_and_validates_every_resource_type(client, journey):
    access = token(client)
    seen: dict[str, list[dict]] = {}
    for resource_type in EVERY_TYPE:
        bundle = fhir_json(get(client, f"/{resource_type}?_count=1000", access))
        seen[resource_type] = entries(bundle)
        for resource in seen[resource_type][:25]:  # and each one read back by its id
            read = fhir_json(get(client, f"/{resource_type}/{resource['id']}", access))
            assert read == resource
    assert {t for t, found in seen.items() if found} == EVERY_TYPE
    follow_up = FollowUp.objects.get(intake=journey)
    observation_ids = {o["id"] for o in seen["Observation"]}
    assert {
        f"intake-{journey.pk}-pain",
        f"intake-{journey.pk}-pain-worst-week",
        f"follow-up-{follow_up.pk}-pain",
    } <= observation_ids
    appointment = Appointment.objects.get(intake=journey)
    assert [a["id"] for a in seen["Appointment"]] == [f"appointment-{appointment.pk}"]
    assert {r["reasonCode"][0]["coding"][0]["code"] for r in seen["ServiceRequest"]} >= {
        "not_improving"
    }
    # $everything reaches the same patient's resources.
    bundle = fhir_json(get(client, f"/Patient/patient-{journey.patient_id}/$everything", access))
    types = {r["resourceType"] for r in entries(bundle)}
    assert types == {
        "Patient",
        "QuestionnaireResponse",
        "Observation",
        "RiskAssessment",
        "ServiceRequest",
        "Appointment",
        "Communication",
    }


def test_communications_carry_no_message_text(client, journey):
    access = token(client)
    bundle = get(client, "/Communication?_count=1000", access).content.decode()
    sent = Message.objects.filter(status=Message.Status.SENT)
    assert sent.exists()
    for message in sent:
        assert message.body_text.strip()[:40] not in bundle
        if message.subject:
            assert message.subject not in bundle
    assert "payload" not in bundle

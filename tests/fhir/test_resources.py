"""What each mapping says: the Questionnaire from the rules data, answers, the guardian,
pain scores with LOINC, the triage, referrals and messages; each validated by the library."""

from types import SimpleNamespace

import pytest
from django.utils import timezone
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.questionnaire import Questionnaire

from clinic.messaging.models import Message
from fhir_api.mappings import patient as patient_mapping
from fhir_api.mappings.questionnaire import build as questionnaire
from intake.models import Patient
from intake.triage import QUESTIONS, RED_FLAGS, RULES_VERSION
from tests.support import factories
from tests.support.fhir import entries, fhir_json, get, token

pytestmark = pytest.mark.django_db


@pytest.fixture
def access(client):
    return token(client)


def test_the_questionnaire_is_generated_from_the_rules_with_red_flags_first(client, access):
    data = fhir_json(get(client, "/Questionnaire/knee-intake", access))
    assert data["version"] == RULES_VERSION
    assert data["url"] == "http://testserver/fhir/R4/Questionnaire/knee-intake"
    first = data["item"][0]
    assert first["type"] == "group" and first["linkId"] == "red_flags"
    assert [i["linkId"] for i in first["item"]] == [f"red_flags.{k}" for k in RED_FLAGS]
    assert [i["linkId"] for i in data["item"][1:]] == [k for k in QUESTIONS if k != "red_flags"]
    knee = data["item"][1]
    assert [o["valueCoding"]["code"] for o in knee["answerOption"]] == ["left", "right", "both"]
    locations = next(i for i in data["item"] if i["linkId"] == "pain_locations")
    assert locations["repeats"] is True and locations["required"] is True
    pain = next(i for i in data["item"] if i["linkId"] == "pain_now")
    assert pain["type"] == "integer"
    assert [e["valueInteger"] for e in pain["extension"]] == [0, 10]


def test_the_questionnaire_validates_as_a_library_model():
    assert Questionnaire.model_validate(questionnaire().model_dump()).version == RULES_VERSION


def test_a_questionnaire_response_records_every_answer_and_each_red_flag(client, access):
    intake = factories.make_intake(red_flags=["night_pain_weight_loss"], symptoms=[])
    data = fhir_json(get(client, f"/QuestionnaireResponse/intake-{intake.pk}", access))
    assert data["questionnaire"].endswith(f"Questionnaire/knee-intake|{RULES_VERSION}")
    flags = {i["linkId"]: i["answer"][0]["valueBoolean"] for i in data["item"][0]["item"]}
    assert flags["red_flags.night_pain_weight_loss"] is True
    assert sum(flags.values()) == 1 and len(flags) == len(RED_FLAGS)
    items = {i["linkId"]: i for i in data["item"][1:]}
    assert "symptoms" not in items  # an empty list is no answer
    assert items["pain_now"]["answer"] == [{"valueInteger": 3}]
    assert items["weekly_km"]["answer"] == [{"valueDecimal": 30}]
    assert [a["valueCoding"]["code"] for a in items["pain_triggers"]["answer"]] == [
        "running",
        "stairs",
    ]


def test_pain_scores_are_observations_with_loinc_pain_severity(client, access):
    intake = factories.make_intake(pain_now=6, pain_worst_week=8)
    now = fhir_json(get(client, f"/Observation/intake-{intake.pk}-pain", access))
    assert now["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "72514-3",
        "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
    }
    assert now["valueInteger"] == 6 and now["status"] == "final"
    worst = fhir_json(get(client, f"/Observation/intake-{intake.pk}-pain-worst-week", access))
    assert worst["valueInteger"] == 8


def test_no_worst_week_answer_means_no_worst_week_observation(client, access):
    answers = factories.answers()
    del answers["pain_worst_week"]
    from intake.services import intake_submit

    intake = intake_submit(patient=factories.patient(), answers=answers)
    assert (
        get(client, f"/Observation/intake-{intake.pk}-pain-worst-week", access).status_code == 404
    )


def test_the_triage_is_a_risk_assessment_with_pattern_urgency_version_and_signs(client, access):
    intake = factories.make_intake()
    outcome = intake.outcome
    data = fhir_json(get(client, f"/RiskAssessment/triage-{outcome.pk}", access))
    assert data["prediction"][0]["outcome"]["coding"][0]["code"] == outcome.pattern
    assert data["method"]["coding"][0]["version"] == outcome.rules_version
    urgency = data["extension"][0]["valueCodeableConcept"]["coding"][0]["code"]
    assert urgency == outcome.urgency
    assert data["basis"][0]["reference"] == f"QuestionnaireResponse/intake-{intake.pk}"
    signs = [s for signs in outcome.matched_signs.values() for s in signs]
    assert len(data["basis"]) == 1 + len(outcome.red_flags) + len(signs)


def test_an_urgent_intake_is_an_urgent_service_request(client, access):
    intake = factories.make_intake(red_flags=["cannot_bear_weight"])
    bundle = fhir_json(get(client, f"/ServiceRequest?patient=patient-{intake.patient_id}", access))
    (request,) = entries(bundle)
    assert request["priority"] == "urgent" and request["status"] == "active"
    assert request["reasonCode"][0]["coding"][0]["code"] == "urgent"


def _patient_json(patient) -> dict:
    resource = patient_mapping.build(patient)
    return FhirPatient.model_validate(resource.model_dump()).model_dump(mode="json")


@pytest.mark.parametrize(
    "guardian_shape",
    ["mapping", "object", "flat"],
)
def test_a_childs_guardian_is_the_patients_contact_whatever_shape_it_is_stored_in(
    guardian_shape,
):
    details = {
        "name": "Pat Parent",
        "relationship": "mother",
        "email": "pat@example.com",
        "phone": "",
    }
    patient = Patient(pk=5, name="Kim Kid", email="kid@example.com", channel="email")
    patient.fhir_last_updated = None
    if guardian_shape == "mapping":
        patient.guardian = details
    elif guardian_shape == "object":
        patient.guardian = SimpleNamespace(**details)
    else:
        for part, value in details.items():
            setattr(patient, f"guardian_{part}", value)
    data = _patient_json(patient)
    (contact,) = data["contact"]
    assert contact["name"]["text"] == "Pat Parent"
    assert contact["relationship"][0]["coding"][0]["code"] == "GUARD"
    assert contact["relationship"][0]["text"] == "mother"
    assert contact["telecom"] == [{"system": "email", "value": "pat@example.com"}]


def test_a_patient_without_a_guardian_has_no_contact(client, access):
    intake = factories.make_intake()
    data = fhir_json(get(client, f"/Patient/patient-{intake.patient_id}", access))
    assert "contact" not in data
    assert data["name"] == [{"text": "Alex Runner"}]
    assert {"system": "email", "value": "alex@example.com", "rank": 1} in data["telecom"]


def test_a_patients_language_is_their_preferred_communication(client, access):
    intake = factories.make_intake(patient_overrides={"language": "es"})
    data = fhir_json(get(client, f"/Patient/patient-{intake.patient_id}", access))
    language = {"system": "urn:ietf:bcp:47", "code": "es", "display": "Spanish"}
    assert data["communication"] == [{"language": {"coding": [language]}, "preferred": True}]


def test_only_sent_messages_are_communications(client, access):
    intake = factories.make_intake()
    common = {"channel": "email", "template": "t", "recipient": "a@example.com", "body_text": "x"}
    sent = Message.objects.create(
        purpose="p",
        idempotency_key="1",
        status="sent",
        sent_at=intake.submitted_at,
        about=f"intake:{intake.pk}",
        recipient_zone="Europe/London",
        **common,
    )
    Message.objects.create(purpose="p", idempotency_key="2", status="queued", **common)
    bundle = fhir_json(get(client, "/Communication", access))
    (message,) = entries(bundle)
    assert message["id"] == f"message-{sent.pk}"
    assert message["subject"]["reference"] == f"Patient/patient-{intake.patient_id}"
    assert message["recipient"] == [{"reference": f"Patient/patient-{intake.patient_id}"}]
    assert message["about"][0]["reference"] == f"QuestionnaireResponse/intake-{intake.pk}"
    assert message["medium"][0]["coding"][0]["code"] == "EMAILWRIT"
    by_patient = fhir_json(
        get(client, f"/Communication?patient=patient-{intake.patient_id}", access)
    )
    assert by_patient["total"] == 1


def test_a_message_to_the_clinics_staff_names_them_as_recipient_not_the_patient(client, access):
    intake = factories.make_intake()
    Message.objects.create(
        purpose="alert",
        idempotency_key="1",
        status="sent",
        sent_at=intake.submitted_at,
        about=f"intake:{intake.pk}",
        recipient_zone="",
        channel="email",
        template="staff_alert",
        recipient="triage@clinic.example",
        body_text="x",
    )
    (message,) = entries(fhir_json(get(client, "/Communication", access)))
    assert message["recipient"] == [{"display": "The clinic's staff"}]
    assert message["subject"]["reference"] == f"Patient/patient-{intake.patient_id}"


def test_a_message_about_nothing_we_know_has_no_subject(client, access):
    Message.objects.create(
        purpose="p",
        idempotency_key="1",
        status="sent",
        sent_at=timezone.now(),
        about="something:else",
        channel="sms",
        template="t",
        recipient="+15550100",
        body_text="x",
        recipient_zone="UTC",
    )
    (message,) = entries(fhir_json(get(client, "/Communication", access)))
    assert "subject" not in message and "about" not in message and "recipient" not in message

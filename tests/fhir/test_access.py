"""Who may read FHIR: registered clients with the right scope; metadata is public; every
read is audited with the client's id."""

import pytest
from django.contrib.auth import get_user_model

from dashboard.models import AuditEvent
from intake.links import intake_token
from tests.support import factories
from tests.support.fhir import fhir_json, get, make_client, token, token_response

pytestmark = pytest.mark.django_db


def test_metadata_is_public_and_a_valid_capability_statement(client):
    response = get(client, "/metadata", None)
    assert response.status_code == 200
    data = fhir_json(response)
    assert data["resourceType"] == "CapabilityStatement"
    assert data["fhirVersion"] == "4.0.1"
    types = {r["type"] for r in data["rest"][0]["resource"]}
    assert "Questionnaire" in types and "Communication" in types
    assert data["rest"][0]["operation"][0]["name"] == "export"


@pytest.mark.parametrize("path", ["/Patient", "/Patient/patient-1", "/$export", "/Observation"])
def test_no_token_gets_401_and_an_operation_outcome(client, path):
    response = get(client, path, None)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert fhir_json(response)["resourceType"] == "OperationOutcome"


def test_a_patients_signed_link_never_opens_fhir(client):
    intake = factories.make_intake()
    response = get(client, f"/QuestionnaireResponse/intake-{intake.pk}", intake_token(intake))
    assert response.status_code == 401
    assert fhir_json(response)["issue"][0]["code"] == "login"


def test_a_staff_session_does_not_open_fhir(client):
    staff = get_user_model().objects.create_superuser("boss", "boss@clinic.example", "pw")
    client.force_login(staff)
    assert get(client, "/Patient", None).status_code == 401


def test_a_client_without_the_scope_gets_403_and_an_operation_outcome(client):
    intake = factories.make_intake()
    access = token(client, scopes="system/Patient.read")
    assert get(client, f"/Patient/patient-{intake.patient_id}", access).status_code == 200
    response = get(client, f"/QuestionnaireResponse/intake-{intake.pk}", access)
    assert response.status_code == 403
    assert fhir_json(response)["issue"][0]["code"] == "forbidden"


def test_a_client_cannot_ask_for_a_scope_it_was_not_given(client):
    client_id, secret = make_client(scopes="system/Patient.read")
    response = token_response(client, client_id, secret, scope="system/*.read")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_a_wrong_secret_gets_no_token(client):
    client_id, _ = make_client()
    assert token_response(client, client_id, "wrong").status_code == 401


def test_every_read_is_audited_with_the_client_id_and_ids_only(client):
    intake = factories.make_intake()
    client_id, secret = make_client()
    access = token_response(client, client_id, secret).json()["access_token"]
    get(client, f"/Patient/patient-{intake.patient_id}", access)
    get(client, "/Observation", access)
    events = list(AuditEvent.objects.filter(action=AuditEvent.Action.FHIR_READ).order_by("at"))
    assert [e.object_type for e in events] == ["Patient", "Observation"]
    assert {e.actor_username for e in events} == {f"oauth:{client_id}"}
    assert events[0].object_ids == [f"patient-{intake.patient_id}"]
    assert f"intake-{intake.pk}-pain" in events[1].object_ids
    assert events[0].actor is None


def test_a_write_method_is_refused_with_an_operation_outcome(client):
    access = token(client)
    response = client.post(
        "/fhir/R4/Patient",
        "{}",
        content_type="application/fhir+json",
        headers={"Authorization": f"Bearer {access}"},
    )
    assert response.status_code == 405
    assert fhir_json(response)["resourceType"] == "OperationOutcome"


def test_a_token_in_the_query_string_is_not_accepted(client):
    access = token(client)
    response = get(client, f"/Patient?access_token={access}", None)
    assert response.status_code == 401

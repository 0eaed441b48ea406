"""The published OpenAPI schema and the bodies the API really sends cannot drift apart: each
endpoint's schema declares its output serializer's fields, and real responses (intake,
follow-up answer, booking) have exactly the keys the schema names, all the way down."""

import json
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from rest_framework import serializers

from clinic.messaging.models import Message
from intake.follow_ups import followups_send_due
from intake.links import follow_up_token, intake_token
from intake.models import FollowUp, Intake
from intake.serializers import (
    ErrorSerializer,
    FollowUpResponseOutputSerializer,
    IntakeOutputSerializer,
)
from referrals.serializers import (
    AppointmentSerializer,
    AppointmentStatusSerializer,
    ContactVerificationSerializer,
    SlotSerializer,
    SlotTakenSerializer,
)
from tests.support import factories
from tests.support.booking import make_clinician, verify_contact

pytestmark = pytest.mark.django_db

NOW = "2026-12-01 12:00:00Z"  # a Tuesday, 07:00 in New York: today's slots are bookable

# Every successful answer of the API and the output serializer that builds its body.
OUTPUTS: dict[tuple[str, str], serializers.Serializer] = {
    ("intake_create", "201"): IntakeOutputSerializer(),
    ("intake_retrieve", "200"): IntakeOutputSerializer(),
    ("follow_up_respond", "200"): FollowUpResponseOutputSerializer(),
    ("slots_list", "200"): SlotSerializer(),  # each of the page's `results`
    ("appointments_create", "201"): AppointmentSerializer(),
    ("appointments_cancel", "200"): AppointmentStatusSerializer(),
    ("appointments_reschedule", "200"): AppointmentStatusSerializer(),
    ("contact_verification_send", "200"): ContactVerificationSerializer(),
    ("contact_verification_confirm", "200"): ContactVerificationSerializer(),
}


@pytest.fixture
def schema(client) -> dict[str, Any]:
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    # A nullable nested serializer is spelled `{"allOf": [{"$ref": ...}], "nullable": true}`.
    if "$ref" not in node and len(node.get("allOf", ())) == 1:
        return {**_resolve(schema, node["allOf"][0]), "nullable": node.get("nullable", False)}
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _operations(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        operation["operationId"]: operation
        for item in schema["paths"].values()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    }


def _body_schema(schema: dict[str, Any], operation_id: str, status: str) -> dict[str, Any]:
    response = _operations(schema)[operation_id]["responses"][status]
    return _resolve(schema, response["content"]["application/json"]["schema"])


def _output_schema(schema: dict[str, Any], operation_id: str, status: str) -> dict[str, Any]:
    """What the output serializer builds: the body, or each `results` item of a page."""
    body = _body_schema(schema, operation_id, status)
    if "results" in body.get("properties", {}):
        return _resolve(schema, body["properties"]["results"]["items"])
    return body


def _declares(schema: dict[str, Any], node: dict[str, Any], serializer: Any, where: str) -> None:
    """The schema object has exactly the serializer's fields, nested serializers included."""
    node = _resolve(schema, node)
    assert set(node["properties"]) == set(serializer.fields), where
    for name, field in serializer.fields.items():
        child = field.child if isinstance(field, serializers.ListSerializer) else field
        if isinstance(child, serializers.Serializer):
            prop = _resolve(schema, node["properties"][name])
            prop = _resolve(schema, prop["items"]) if prop.get("type") == "array" else prop
            _declares(schema, prop, child, f"{where}.{name}")


def _fits(schema: dict[str, Any], node: dict[str, Any], body: Any, where: str) -> None:
    """The body has exactly the keys the schema names, at every level."""
    node = _resolve(schema, node)
    if body is None:
        assert node.get("nullable"), where
    elif "properties" in node:
        assert isinstance(body, dict), where
        assert set(body) == set(node["properties"]), where
        for key, value in body.items():
            _fits(schema, node["properties"][key], value, f"{where}.{key}")
    elif isinstance(node.get("additionalProperties"), dict):
        for key, value in body.items():
            _fits(schema, node["additionalProperties"], value, f"{where}.{key}")
    elif node.get("type") == "array":
        for index, item in enumerate(body):
            _fits(schema, node["items"], item, f"{where}[{index}]")


def test_every_endpoint_declares_its_output_serializers_fields(schema):
    answers = {
        (operation_id, status)
        for operation_id, operation in _operations(schema).items()
        for status in operation["responses"]
        if status.startswith("2")
    }
    # A new endpoint names its output serializer here, or this fails.
    assert answers == set(OUTPUTS)
    for (operation_id, status), serializer in OUTPUTS.items():
        body = _output_schema(schema, operation_id, status)
        _declares(schema, body, serializer, f"{operation_id} {status}")


def _post(client, url: str, body: dict[str, Any]):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_real_responses_have_exactly_the_schemas_keys(client, schema, settings):
    settings.TIME_ZONE = "America/New_York"

    def check(response, operation_id: str, status: str) -> dict[str, Any]:
        assert str(response.status_code) == status, response.content
        body = response.json()
        _fits(schema, _body_schema(schema, operation_id, status), body, operation_id)
        return body

    with time_machine.travel(NOW, tick=False) as clock:
        make_clinician()
        # An assessment: every link (result, sheet, booking) is in the body.
        created = _post(client, "/api/v1/intakes/", factories.body(duration_days=10, pain_now=5))
        created = check(created, "intake_create", "201")
        token = created["token"]
        read = client.get(f"/api/v1/intakes/{token}/")
        assert check(read, "intake_retrieve", "200") == created

        page = check(client.get("/api/v1/slots/"), "slots_list", "200")
        first, second = page["results"][:2]
        unconfirmed = _post(client, "/api/v1/appointments/", {"token": token, "slot": first["id"]})
        check(unconfirmed, "appointments_create", "403")
        sent = _post(client, "/api/v1/contact-verification/", {"token": token})
        check(sent, "contact_verification_send", "200")
        verify_contact(Intake.objects.get(pk=created["id"]))  # as the emailed link does
        booked = _post(client, "/api/v1/appointments/", {"token": token, "slot": first["id"]})
        booked = check(booked, "appointments_create", "201")
        base = f"/api/v1/appointments/{booked['id']}"
        moved = _post(client, f"{base}/reschedule/", {"token": token, "slot": second["id"]})
        check(moved, "appointments_reschedule", "200")
        cancelled = _post(client, f"{base}/cancel/", {"token": token})
        assert check(cancelled, "appointments_cancel", "200")["status"] == "cancelled"

        clock.shift(timedelta(days=7))
        followups_send_due()
        follow_up = FollowUp.objects.get(intake_id=created["id"])
        answer = {"token": follow_up_token(follow_up), "answer": "same", "pain_now": 5}
        answered = _post(client, "/api/v1/follow-ups/response/", answer)
        answered = check(answered, "follow_up_respond", "200")
        assert answered["not_improving"] is True
        assert set(answered["links"]) == {"book"}


def test_the_contact_check_by_sms_fits_the_schema(client, schema):
    body = factories.body(duration_days=10, patient_overrides={"channel": "sms"})
    token = _post(client, "/api/v1/intakes/", body).json()["token"]
    sent = _post(client, "/api/v1/contact-verification/", {"token": token})
    assert sent.status_code == 200
    _fits(schema, _body_schema(schema, "contact_verification_send", "200"), sent.json(), "send")
    text = Message.objects.get(template="contact_verify").body_text
    code = re.search(r"\b(\d{6})\b", text).group(1)
    wrong = _post(client, "/api/v1/contact-verification/confirm/", {"token": token, "code": "x"})
    _fits(schema, _body_schema(schema, "contact_verification_confirm", "400"), wrong.json(), "400")
    confirmed = _post(
        client, "/api/v1/contact-verification/confirm/", {"token": token, "code": code}
    )
    assert confirmed.json() == {"channel": "sms", "verified": True}
    _fits(
        schema,
        _body_schema(schema, "contact_verification_confirm", "200"),
        confirmed.json(),
        "confirm",
    )


def test_every_urgency_fits_the_schema_with_its_nulls(client, schema):
    """Urgent: no pattern, a care route; self-care: no route; every triage field declared."""
    triage_schema = _resolve(schema, _body_schema(schema, "intake_create", "201"))
    triage_node = _resolve(schema, triage_schema["properties"]["triage"])
    for field in ("care_route", "care_route_text", "pattern", "pattern_name"):
        assert triage_node["properties"][field].get("nullable"), field
    urgent = _post(client, "/api/v1/intakes/", factories.body(red_flags=["numb_cold_foot"]))
    self_care = _post(client, "/api/v1/intakes/", factories.body())
    for response in (urgent, self_care):
        assert response.status_code == 201
        # The triage object only: `links.book` is optional, absent for an urgent intake.
        _fits(schema, triage_node, response.json()["triage"], "intake_create.triage")
    assert urgent.json()["triage"]["care_route"] == "emergency"
    assert self_care.json()["triage"]["care_route"] is None


def test_error_bodies_have_exactly_the_schemas_keys(client, schema, settings):
    settings.TIME_ZONE = "America/New_York"
    with time_machine.travel(NOW, tick=False):
        make_clinician()
        mine = factories.make_intake(duration_days=10)
        theirs = factories.make_intake(duration_days=10)
        verify_contact(mine)
        verify_contact(theirs)
        slot = client.get("/api/v1/slots/").json()["results"][0]["id"]
        book = "/api/v1/appointments/"
        assert _post(client, book, {"token": intake_token(mine), "slot": slot}).status_code == 201
        taken = _post(client, book, {"token": intake_token(theirs), "slot": slot})
        refused = _post(client, "/api/v1/intakes/", {"patient": {}, "colour": "blue"})
    assert taken.status_code == 409
    assert set(taken.json()) == set(SlotTakenSerializer().fields)
    _fits(schema, _body_schema(schema, "appointments_create", "409"), taken.json(), "409")
    assert refused.status_code == 400
    assert set(refused.json()) == set(ErrorSerializer().fields)
    _fits(schema, _body_schema(schema, "intake_create", "400"), refused.json(), "400")

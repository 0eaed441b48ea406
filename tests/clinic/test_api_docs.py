"""/api/docs/: Swagger UI under the strict CSP, and a worked example for every endpoint."""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator

from intake import api_examples
from referrals import api_examples as booking_examples
from referrals.serializers import (
    AppointmentCancelSerializer,
    AppointmentCreateSerializer,
    AppointmentRescheduleSerializer,
    ContactVerificationConfirmSerializer,
    ContactVerificationSendSerializer,
)

pytestmark = pytest.mark.django_db


def operations() -> list[tuple[str, str, dict]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def test_the_docs_page_has_no_inline_script_or_style(client):
    page = client.get("/api/docs/")
    html = page.content.decode()
    assert page.status_code == 200
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline <script>"
    assert "<style" not in html and " style=" not in html
    assert "cdn" not in html.lower()


def test_the_docs_start_up_script_is_served_as_javascript_from_the_same_origin(client):
    html = client.get("/api/docs/").content.decode()
    script = re.search(r'<script src="(/api/docs/\?[^"]*script=[^"]*)"', html)
    assert script, html
    response = client.get(script.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in response.content
    assert b"/api/schema/" in response.content


def test_the_docs_page_sends_the_strict_csp(client):
    csp = client.get("/api/docs/")["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_every_operation_with_a_body_shows_a_worked_request_example():
    with_body = [(p, m, op) for p, m, op in operations() if "requestBody" in op]
    assert len(with_body) >= 4
    for path, method, operation in with_body:
        examples = operation["requestBody"]["content"]["application/json"].get("examples")
        assert examples, f"{method.upper()} {path} has no request example"


def test_every_operation_shows_an_example_of_its_success_response():
    for path, method, operation in operations():
        success = next(code for code in operation["responses"] if code.startswith("2"))
        content = operation["responses"][success]["content"]["application/json"]
        assert content.get("examples"), f"{method.upper()} {path} {success} has no example"


def test_the_intake_example_is_accepted_as_it_stands(client):
    response = client.post(
        "/api/v1/intakes/", api_examples.INTAKE_BODY, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["triage"]["urgency"] == api_examples.INTAKE_RESPONSE["triage"]["urgency"]
    assert set(response.json()) == set(api_examples.INTAKE_RESPONSE)
    assert set(response.json()["triage"]) == set(api_examples.INTAKE_RESPONSE["triage"])


@pytest.mark.parametrize(
    ("serializer", "examples"),
    [
        (AppointmentCreateSerializer, booking_examples.APPOINTMENT_CREATE),
        (AppointmentCancelSerializer, booking_examples.APPOINTMENT_CANCEL),
        (AppointmentRescheduleSerializer, booking_examples.APPOINTMENT_RESCHEDULE),
        (ContactVerificationSendSerializer, booking_examples.CONTACT_VERIFICATION_SEND),
        (ContactVerificationConfirmSerializer, booking_examples.CONTACT_VERIFICATION_CONFIRM),
    ],
)
def test_the_booking_examples_have_the_shape_their_serializer_takes(serializer, examples):
    body = next(example.value for example in examples if example.request_only)
    checked = serializer(data=body)
    assert checked.is_valid(), checked.errors


def test_the_follow_up_example_has_the_shape_its_serializer_takes():
    from intake.serializers import FollowUpResponseInputSerializer

    checked = FollowUpResponseInputSerializer(data=api_examples.FOLLOW_UP_BODY)
    # The example token is well formed but signed by no clinic: only the token may fail.
    checked.is_valid()
    assert set(checked.errors) <= {"token"}

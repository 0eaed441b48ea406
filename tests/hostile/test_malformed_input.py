"""Hostile bodies and parameters: deep nesting, invalid Unicode, absurd dates and numbers.

Each must come back as a 400 with the one error shape (or a form error on an HTML page),
never a 500 (issue 13, findings 11-14).
"""

import json

import pytest

from intake.models import Intake
from tests.support import factories

pytestmark = pytest.mark.django_db

# Every endpoint that parses a JSON body.
JSON_ENDPOINTS = [
    "/api/v1/intakes/",
    "/api/v1/appointments/",
    "/api/v1/appointments/1/cancel/",
    "/api/v1/appointments/1/reschedule/",
    "/api/v1/follow-ups/response/",
]


@pytest.mark.parametrize("url", JSON_ENDPOINTS)
def test_deeply_nested_json_is_a_parse_error_on_every_json_endpoint(client, url):
    depth = 10_000  # 20-60 KB: under the request size limit, far over the recursion limit
    for body in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, response.content[:200]
        assert response.json()["type"] == "parse_error"


# --- Invalid Unicode (finding 12) ---------------------------------------------------------

LONE_SURROGATE = "\\ud800"  # valid JSON escape, but no character: PostgreSQL cannot store it


def _intake_json(name: str = "Alex Runner", key: str = "name") -> str:
    body = json.dumps(factories.body())
    return body.replace('"name": "Alex Runner"', f'"{key}": "{name}"')


@pytest.mark.parametrize(
    ("name", "key", "field"),
    [
        (LONE_SURROGATE, "name", "patient.name"),
        ("Alex" + LONE_SURROGATE + "Runner", "name", "patient.name"),
        ("\\udfff", "name", "patient.name"),
        ("Alex", "na" + LONE_SURROGATE + "me", "patient"),
    ],
)
def test_a_lone_surrogate_in_a_value_or_key_is_a_field_error(client, name, key, field):
    body = _intake_json(name, key)
    response = client.post("/api/v1/intakes/", body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    answer = response.json()
    assert answer["type"] == "validation_error"
    assert any(name.startswith(field) for name in answer["errors"]), answer


def test_a_lone_surrogate_in_an_answer_list_is_a_field_error(client):
    body = json.dumps(factories.body()).replace('"road"', f'"road{LONE_SURROGATE}"')
    response = client.post("/api/v1/intakes/", body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert list(response.json()["errors"]) == ["answers.surfaces.0"]


@pytest.mark.parametrize(
    "raw", [b"Alex%ED%A0%80", b"Alex%C0%AF", b"%FF%FE", b"Alex%00Runner", b"Alex%EF%BF%BE"]
)
def test_invalid_utf8_or_a_nul_in_the_web_form_is_a_form_error(client, raw):
    from urllib.parse import urlencode

    data = {k: v for k, v in _web_details().items() if k != "name"}
    body = urlencode(data, doseq=True).encode() + b"&name=" + raw
    response = client.post("/intake/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400, response.status_code  # the form again, with errors
    assert not Intake.objects.exists()
    content = response.content.decode()
    assert "not valid text" in content or "Null characters are not allowed" in content


def _web_details() -> dict:
    from tests.intake.test_views import details

    return details()


# --- Dates and numbers in query parameters (findings 13, 14) -------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"starts_from": "9999-12-31"},
        {"starts_before": "9999-12-31T23:59:59"},
        {"starts_from": "0001-01-01"},
        {"starts_before": "0001-01-01"},
        {"clinician": "99999999999999999999999"},
        {"clinician": "9223372036854775808"},
        {"page": "99999999999999999999999"},
        {"page": "9" * 400},
    ],
)
def test_an_absurd_slot_filter_is_a_field_error(client, query):
    response = client.get("/api/v1/slots/", query)
    assert response.status_code in (400, 404), response.content[:300]
    assert response.json()["type"] in ("validation_error", "not_found")

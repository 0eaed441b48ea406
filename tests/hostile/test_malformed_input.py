"""Hostile bodies and parameters: deep nesting, invalid Unicode, absurd dates and numbers.

Each must come back as a 400 with the one error shape (or a form error on an HTML page),
never a 500 (issue 13, findings 11-14).
"""

import pytest

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

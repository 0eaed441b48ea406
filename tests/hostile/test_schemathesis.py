"""Schemathesis over /api/schema/: generated requests never get a server error, and every
response fits the schema the API publishes."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.throttling import ScopedRateThrottle
from schemathesis.specs.openapi.checks import positive_data_acceptance

from clinic.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture(autouse=True)
def _no_throttling(monkeypatch):
    # Thousands of generated requests would otherwise be 429s; throttling has its own tests.
    rates = {"intake_submit": "1000000/minute", "patient_token": "1000000/minute"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
def test_the_api_never_errors_and_keeps_to_its_schema(case):
    # Every built-in check but one: a request can fit the schema and still be refused for
    # what a schema cannot say (an unknown time zone, an invalid phone number, a bad token).
    case.call_and_validate(excluded_checks=[positive_data_acceptance])

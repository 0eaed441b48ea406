"""The intake benchmark's floor writes exactly the rows the real endpoint writes, and is
throttled as it is: a floor that did less would flatter the gap it measures."""

import json

import pytest
from django.forms.models import model_to_dict
from rest_framework.settings import api_settings
from rest_framework.test import APIRequestFactory
from rest_framework.throttling import ScopedRateThrottle

from bench.intake_bench import BODY
from bench.views import FloorIntakeApi
from intake.models import FollowUp, Intake, Patient, TriageOutcome

pytestmark = pytest.mark.django_db

UNCOMPARED = {"id", "patient", "intake", "source", "created_at", "submitted_at", "due_at"}


def _rows(intake: Intake) -> list[dict]:
    rows = [intake.patient, intake, intake.outcome, intake.follow_up]
    return [{k: v for k, v in model_to_dict(r).items() if k not in UNCOMPARED} for r in rows]


def test_the_floor_writes_the_same_four_rows_as_the_endpoint(client):
    response = client.post("/api/v1/intakes/", json.dumps(BODY), content_type="application/json")
    assert response.status_code == 201, response.content
    real = Intake.objects.get(pk=response.json()["id"])

    request = APIRequestFactory().post("/api/bench/floor/", BODY, format="json")
    answer = FloorIntakeApi.as_view()(request)
    assert answer.status_code == 201, answer.data
    floor = Intake.objects.get(pk=answer.data["id"])

    assert _rows(floor) == _rows(real)
    assert floor.follow_up.due_at - floor.submitted_at == real.follow_up.due_at - real.submitted_at
    assert (Patient.objects.count(), TriageOutcome.objects.count()) == (2, 2)
    assert FollowUp.objects.count() == 2


def test_the_floor_is_throttled_as_the_endpoint_is(monkeypatch):
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "intake_submit": "2/minute"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    statuses = []
    for _ in range(3):
        request = APIRequestFactory().post(
            "/api/bench/floor/", BODY, format="json", REMOTE_ADDR="203.0.113.9"
        )
        statuses.append(FloorIntakeApi.as_view()(request).status_code)
    assert statuses == [201, 201, 429]

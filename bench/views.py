"""Benchmark-only endpoints (STRIDE_BENCH_ENDPOINTS=1; refused in production).

`POST /api/bench/insert/` is the yardstick for the intake benchmark: a bare DRF view that
parses the same JSON body and does one INSERT in a transaction, and nothing else.

`POST /api/bench/floor/` is the floor under `POST /api/v1/intakes/`: what the issue keeps
(the `intake_submit` throttle and the four ORM `INSERT … RETURNING`s of an intake, in one
transaction), with the validation, triage and answer body of the real endpoint left out
(the rows are the benchmark body's, checked and triaged once per process), written by the
endpoint's own `intake.services.intake_rows_create`. Whatever the real endpoint measures
above this floor is the part that per-request Python can still cut.
"""

import json
from functools import cache
from typing import Any

from auditlog.context import disable_auditlog
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.api import ClientScopedRateThrottle
from intake import triage
from intake.models import Intake
from intake.services import intake_rows_create, intake_validate


class BareInsertApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    schema = None  # not part of the public API

    def post(self, request: Request) -> Response:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_insert (payload) VALUES (%s) RETURNING id",
                [json.dumps(request.data)],
            )
            (row_id,) = cursor.fetchone()
        return Response({"id": row_id}, status=201)


@cache
def _checked(body: str) -> tuple[dict[str, Any], dict[str, Any], triage.TriageResult]:
    data = json.loads(body)
    patient, answers = intake_validate(patient=data["patient"], answers=data["answers"])
    return patient, answers, triage.evaluate(answers)


class FloorIntakeApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "intake_submit"
    schema = None  # not part of the public API

    def post(self, request: Request) -> Response:
        patient, answers, result = _checked(json.dumps(request.data, sort_keys=True))
        with transaction.atomic(), disable_auditlog():
            intake, _ = intake_rows_create(
                patient=patient,
                answers=answers,
                result=result,
                source=Intake.Source.API,
                now=timezone.now(),
            )
        return Response({"id": intake.pk}, status=201)

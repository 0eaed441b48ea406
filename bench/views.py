"""Benchmark-only endpoints (STRIDE_BENCH_ENDPOINTS=1; refused in production).

`POST /api/bench/insert/` is the yardstick for the intake benchmark: a bare DRF view that
parses the same JSON body and does one INSERT in a transaction, and nothing else.
"""

import json
from typing import Any

from django.db import connection, transaction
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


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

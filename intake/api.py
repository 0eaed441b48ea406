"""The intake API: submit an intake, and read it back with the patient's token."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.api import PublicApiView, input_validated
from intake import api_examples
from intake.models import Intake
from intake.selectors import intake_get_by_token, intake_public_payload
from intake.serializers import ErrorSerializer, IntakeInputSerializer, IntakeOutputSerializer
from intake.services import intake_submit


class IntakeCreateApi(PublicApiView):
    throttle_scope = "intake_submit"

    @extend_schema(
        operation_id="intake_create",
        tags=["Intake"],
        request=IntakeInputSerializer,
        examples=api_examples.INTAKE_CREATE,
        responses={
            201: IntakeOutputSerializer,
            400: ErrorSerializer,
            413: ErrorSerializer,
            429: ErrorSerializer,
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = input_validated(IntakeInputSerializer, request)
        # An urgent intake takes the same urgent route as the web form (intake_submit).
        intake = intake_submit(
            patient=data["patient"], answers=data["answers"], source=Intake.Source.API
        )
        body = IntakeOutputSerializer(intake_public_payload(intake)).data
        return Response(body, status=status.HTTP_201_CREATED)


class IntakeDetailApi(PublicApiView):
    @extend_schema(
        operation_id="intake_retrieve",
        tags=["Intake"],
        examples=api_examples.INTAKE_RETRIEVE,
        responses={
            200: IntakeOutputSerializer,
            404: OpenApiResponse(ErrorSerializer, description="Unknown or tampered token."),
            410: OpenApiResponse(ErrorSerializer, description="The token has expired."),
        },
        auth=[],
    )
    def get(self, request: Request, token: str) -> Response:
        intake = intake_get_by_token(token)
        # The caller's own token goes back, not a new one.
        return Response(IntakeOutputSerializer(intake_public_payload(intake, token=token)).data)

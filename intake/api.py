"""The intake API: submit an intake, and read it back with the patient's token."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.api import ApplicationError, PublicApiView, json_object_body
from clinic.links import BadLink, ExpiredLink
from intake.models import Intake
from intake.selectors import intake_get_by_token, intake_public_payload
from intake.serializers import ErrorSerializer, IntakeInputSerializer, IntakeOutputSerializer
from intake.services import intake_submit
from intake.validation import IntakeInvalid

TOP_LEVEL_KEYS = ("patient", "answers")


def patient_intake_or_error(token: str) -> Intake:
    """The one way patient-token API views open an intake: clean 404/410 on a bad link."""
    try:
        return intake_get_by_token(token)
    except ExpiredLink as exc:
        raise ApplicationError(exc.message, type="link_expired", status_code=410) from exc
    except BadLink as exc:
        raise ApplicationError(exc.message, type="invalid_link", status_code=404) from exc


class IntakeCreateApi(PublicApiView):
    throttle_scope = "intake_submit"

    @extend_schema(
        operation_id="intake_create",
        request=IntakeInputSerializer,
        responses={
            201: IntakeOutputSerializer,
            400: ErrorSerializer,
            413: ErrorSerializer,
            429: ErrorSerializer,
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        body = json_object_body(request)
        unknown = {str(k): ["Unknown field."] for k in body if k not in TOP_LEVEL_KEYS}
        missing = {k: ["This field is required."] for k in TOP_LEVEL_KEYS if k not in body}
        try:
            if unknown or missing:
                raise IntakeInvalid({**unknown, **missing})
            intake = intake_submit(patient=body["patient"], answers=body["answers"])
        except IntakeInvalid as exc:
            raise ApplicationError(
                "Some fields are not valid.", type="validation_error", errors=exc.errors
            ) from exc
        return Response(intake_public_payload(intake), status=status.HTTP_201_CREATED)


class IntakeDetailApi(PublicApiView):
    @extend_schema(
        operation_id="intake_retrieve",
        responses={
            200: IntakeOutputSerializer,
            404: OpenApiResponse(ErrorSerializer, description="Unknown or tampered token."),
            410: OpenApiResponse(ErrorSerializer, description="The token has expired."),
        },
        auth=[],
    )
    def get(self, request: Request, token: str) -> Response:
        intake = patient_intake_or_error(token)
        return Response(intake_public_payload(intake, token=token))  # the caller's own token

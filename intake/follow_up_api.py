"""The follow-up answer API: `POST /api/v1/follow-ups/response/` with the message's token.

Body `{"token": str, "answer": "better"|"same"|"worse", "pain_now": 0–10 or null}`. The
same service as the web page records it; a second answer is a 409.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.api import ApplicationError, PublicApiView, json_object_body
from clinic.links import BadLink, ExpiredLink
from intake.follow_ups import (
    FollowUpError,
    follow_up_answer_clean,
    follow_up_not_improving,
    follow_up_respond,
)
from intake.links import booking_url, follow_up_id_from_token
from intake.models import FollowUp
from intake.serializers import ErrorSerializer

KEYS = ("token", "answer", "pain_now")


# Documentation of the contract; validation is the service's (same as the web page).
class FollowUpResponseInputSerializer(serializers.Serializer):
    token = serializers.CharField()
    answer = serializers.ChoiceField(choices=FollowUp.Answer.choices)
    pain_now = serializers.IntegerField(min_value=0, max_value=10, required=False, allow_null=True)


class FollowUpResponseOutputSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=FollowUp.Answer.choices)
    pain_now = serializers.IntegerField(allow_null=True)
    not_improving = serializers.BooleanField()
    links = serializers.DictField(
        child=serializers.URLField(), help_text='{"book": url} when not improving.'
    )


class FollowUpResponseApi(PublicApiView):
    @extend_schema(
        operation_id="follow_up_respond",
        request=FollowUpResponseInputSerializer,
        responses={
            200: FollowUpResponseOutputSerializer,
            400: ErrorSerializer,
            404: OpenApiResponse(ErrorSerializer, description="Unknown or tampered token."),
            409: OpenApiResponse(ErrorSerializer, description="Already answered."),
            410: OpenApiResponse(ErrorSerializer, description="The token has expired."),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        body = json_object_body(request)
        errors = {str(k): ["Unknown field."] for k in body if k not in KEYS}
        if not isinstance(body.get("token"), str) or not body.get("token"):
            errors["token"] = ["This field is required."]
        try:  # every bad field in one answer, before the token is even read
            follow_up_answer_clean(answer=body.get("answer"), pain_now=body.get("pain_now"))
        except FollowUpError as exc:
            errors.update(exc.errors)
        if errors:
            raise ApplicationError(
                "Some fields are not valid.", type="validation_error", errors=errors
            )
        try:
            follow_up_id = follow_up_id_from_token(body["token"])
        except ExpiredLink as exc:
            raise ApplicationError(exc.message, type="link_expired", status_code=410) from exc
        except BadLink as exc:
            raise ApplicationError(exc.message, type="invalid_link", status_code=404) from exc
        if not FollowUp.objects.filter(pk=follow_up_id).exists():
            raise ApplicationError(BadLink.message, type="invalid_link", status_code=404)
        try:
            follow_up = follow_up_respond(
                follow_up_id=follow_up_id,
                answer=body.get("answer"),
                pain_now=body.get("pain_now"),
            )
        except FollowUpError as exc:
            raise ApplicationError(
                exc.detail,
                type="validation_error" if exc.status_code == 400 else exc.type,
                status_code=exc.status_code,
                errors=exc.errors,
            ) from exc
        not_improving = follow_up_not_improving(follow_up)
        links = {"book": booking_url(follow_up.intake)} if not_improving else {}
        return Response(
            {
                "answer": follow_up.answer,
                "pain_now": follow_up.pain_now,
                "not_improving": not_improving,
                "links": links,
            }
        )

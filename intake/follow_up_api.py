"""The follow-up answer API: `POST /api/v1/follow-ups/response/` with the message's token.

Body `{"token": str, "answer": "better"|"same"|"worse", "pain_worst_week": 0–10 or null,
"pain_now": 0–10 or null, "red_flags": [section 2 keys]}` (after `worse`: the warning signs
asked again; any one takes the urgent route). The same service as the web page records it;
a second answer is a 409.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.api import PublicApiView, input_validated
from intake import api_examples
from intake.follow_ups import follow_up_get_by_token, follow_up_public, follow_up_respond
from intake.serializers import (
    ErrorSerializer,
    FollowUpResponseInputSerializer,
    FollowUpResponseOutputSerializer,
)


class FollowUpResponseApi(PublicApiView):
    @extend_schema(
        operation_id="follow_up_respond",
        tags=["Follow-up"],
        request=FollowUpResponseInputSerializer,
        examples=api_examples.FOLLOW_UP_RESPOND,
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
        data = input_validated(FollowUpResponseInputSerializer, request)
        follow_up = follow_up_get_by_token(data["token"])
        follow_up = follow_up_respond(
            follow_up_id=follow_up.pk,
            answer=data["answer"],
            pain_now=data.get("pain_now"),
            pain_worst_week=data.get("pain_worst_week"),
            red_flags=data.get("red_flags"),
        )
        return Response(FollowUpResponseOutputSerializer(follow_up_public(follow_up)).data)

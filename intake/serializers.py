"""The intake and follow-up APIs' input and output serializers: the views' only shapes.

Input serializers are strict (an unknown field is refused by name). The patient's details
and the answers are checked by `intake.services.intake_validate`, so the web form and the
API refuse exactly the same things: the input serializer hands them over untouched, and
`PatientInputSerializer` and the answers' JSON Schema only describe them in the OpenAPI
schema. Output serializers build every response body, so the schema and the body agree.
"""

from typing import TYPE_CHECKING, Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from clinic.api import SharedFieldsOutputSerializer, StrictSerializer
from clinic.messaging.models import Channel
from intake import triage
from intake.follow_ups import (
    ANSWER_MESSAGE,
    PAIN_NOW_MESSAGE,
    PAIN_WORST_WEEK_MESSAGE,
    RED_FLAGS_MESSAGE,
    FollowUpAnswerInvalid,
    follow_up_red_flags_clean,
)
from intake.models import CareRoute, FollowUp, Language, Urgency

if TYPE_CHECKING:  # the stubs' name for a lazy translation; dev-only package
    from django_stubs_ext import StrPromise


def _openapi_30(schema: dict) -> dict:
    """OpenAPI 3.0 has no `"type": [T, "null"]`; it spells that `"nullable": true`."""
    properties = {}
    for key, prop in schema["properties"].items():
        prop = dict(prop)
        if isinstance(prop.get("type"), list):
            types = [t for t in prop["type"] if t != "null"]
            prop["type"], prop["nullable"] = types[0], True
            if "enum" in prop:  # in 3.0, a nullable enum must list null among its values
                prop["enum"] = [*prop["enum"], None]
        prop.pop("$schema", None)
        properties[key] = prop
    return {k: v for k, v in schema.items() if k != "$schema"} | {"properties": properties}


class ServiceCheckedField(serializers.Field):
    """A value passed to the service as sent (even null): the service checks it field by
    field and names each bad one. Only its absence is the serializer's business."""

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is empty:
            return super().validate_empty_values(data)
        return False, data

    def to_internal_value(self, data: Any) -> Any:
        return data

    def to_representation(self, value: Any) -> Any:
        return value


@extend_schema_field(_openapi_30(triage.answers_json_schema()))
class AnswersField(ServiceCheckedField):
    pass


# Documents `patient.guardian`; `intake.validation.patient_clean` checks it.
class GuardianInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    relationship = serializers.CharField(max_length=100, help_text="e.g. mother, father.")
    email = serializers.EmailField(required=False, allow_blank=True, allow_null=True)
    phone = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="Email or phone: one."
    )
    completed_by_guardian = serializers.BooleanField(
        required=False, default=False, help_text="Must be true when the patient is under 13."
    )


# Documents the `patient` object; `intake.validation.patient_clean` checks it.
class PatientInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True, allow_null=True)
    phone = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Any usual format; stored as E.164.",
    )
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, default="email")
    timezone = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="IANA name, e.g. Europe/London; blank: the clinic's.",
    )
    consent_follow_up = serializers.BooleanField(
        required=False, default=False, help_text="Under 16: the guardian's consent."
    )
    guardian = GuardianInputSerializer(
        required=False,
        allow_null=True,
        help_text="Required when answers.age is under 16 (section 9); null or absent otherwise. "
        "Messages for a child go to the guardian's contact.",
    )
    language = serializers.ChoiceField(
        choices=Language.choices,
        required=False,
        help_text="The patient's language for every text, sheet and message: 'en' or 'es'. "
        "Absent: the request's Accept-Language when it is one of these, else 'en'.",
    )


@extend_schema_field(PatientInputSerializer)
class PatientField(ServiceCheckedField):
    pass


class IntakeInputSerializer(StrictSerializer):
    patient = PatientField()
    answers = AnswersField()


class AdviceSerializer(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()


class AssessmentReasonSerializer(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()


# Reads an `intake.explain.OutcomeExplanation` (the patient's): ids where the contract had
# ids, and the words beside them.
class TriageSerializer(serializers.Serializer):
    pattern = serializers.CharField(allow_null=True, help_text="null for an urgent intake.")
    pattern_name = serializers.CharField(
        allow_null=True, help_text="The pattern's name shown to patients; null when urgent."
    )
    secondary_patterns = serializers.ListField(child=serializers.CharField())
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    care_route = serializers.ChoiceField(
        choices=CareRoute.choices,
        allow_null=True,
        help_text="Where an urgent patient should go; null when not urgent.",
    )
    care_route_text = serializers.CharField(
        allow_null=True, help_text="What the care route tells the patient; null when not urgent."
    )
    red_flags = serializers.ListField(child=serializers.CharField(), source="red_flag_ids")
    assessment_reasons = AssessmentReasonSerializer(
        many=True,
        help_text="Why an assessment is advised, in the rules' order; empty unless "
        "the urgency is assessment.",
    )
    advice = AdviceSerializer(many=True)
    factors = serializers.ListField(child=serializers.CharField(), source="factor_ids")
    matched_signs = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField())
    )
    disclaimer = serializers.CharField(help_text="Shown with every pattern, next to it.")
    rules_version = serializers.CharField()


class IntakeLinksSerializer(serializers.Serializer):
    result = serializers.URLField()
    book = serializers.URLField(
        required=False, help_text="The free second-opinion booking; absent for urgent cases."
    )
    advice_sheet = serializers.URLField(help_text="The take-home advice sheet (PDF).")


class GuardianOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    relationship = serializers.CharField()
    email = serializers.EmailField(allow_null=True)
    phone = serializers.CharField(allow_null=True)
    completed_by_guardian = serializers.BooleanField()


class PatientOutputSerializer(serializers.Serializer):
    guardian = GuardianOutputSerializer(allow_null=True, help_text="null for adults.")
    language = serializers.ChoiceField(
        choices=Language.choices,
        help_text="The language of `triage`'s texts and of every message to the patient.",
    )


class IntakeOutputSerializer(SharedFieldsOutputSerializer):
    id = serializers.IntegerField()
    token = serializers.CharField()
    patient = PatientOutputSerializer()
    triage = TriageSerializer()
    links = IntakeLinksSerializer()


# --- Follow-up answers ----------------------------------------------------------------------


class TokenField(serializers.CharField):
    """A patient token: text as sent (never trimmed or coerced from a number)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class WholeNumberField(serializers.IntegerField):
    """An integer as JSON sends it: "3", 2.5 and true are refused, not converted."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class RedFlagsField(serializers.ListField):
    """The warning signs re-asked after `worse`: section 2 keys; one message for any fault."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.ChoiceField(choices=list(triage.RED_FLAGS)), **kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        try:
            return follow_up_red_flags_clean(data)
        except FollowUpAnswerInvalid:
            self.fail("invalid")
            raise  # unreachable: fail() raises


def _messages(text: "str | StrPromise", *keys: str) -> "dict[str, str | StrPromise]":
    return dict.fromkeys(keys, text)


# Every bad field in one answer, before the token is even read.
class FollowUpResponseInputSerializer(StrictSerializer):
    token = TokenField(
        error_messages=_messages("This field is required.", "required", "null", "blank", "invalid")
    )
    answer = serializers.ChoiceField(
        choices=FollowUp.Answer.choices,
        error_messages=_messages(ANSWER_MESSAGE, "required", "null", "invalid_choice"),
    )
    pain_now = WholeNumberField(
        min_value=0,
        max_value=10,
        required=False,
        allow_null=True,
        error_messages=_messages(PAIN_NOW_MESSAGE, "invalid", "min_value", "max_value"),
    )
    pain_worst_week = WholeNumberField(
        min_value=0,
        max_value=10,
        required=False,
        allow_null=True,
        help_text="Worst pain in the past week, 0–10 (compared with the intake's).",
        error_messages=_messages(PAIN_WORST_WEEK_MESSAGE, "invalid", "min_value", "max_value"),
    )
    red_flags = RedFlagsField(
        required=False,
        help_text="After `worse`: the warning signs of section 2 that apply now ([] for none). "
        "Any of them takes the urgent route.",
        error_messages=_messages(RED_FLAGS_MESSAGE, "invalid", "null", "not_a_list"),
    )


class FollowUpResponseOutputSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=FollowUp.Answer.choices)
    pain_now = serializers.IntegerField(allow_null=True)
    pain_worst_week = serializers.IntegerField(allow_null=True)
    not_improving = serializers.BooleanField()
    red_flags = serializers.ListField(child=serializers.CharField())
    care_route = serializers.ChoiceField(
        choices=["emergency", "same_day", "within_48h"],
        allow_null=True,
        help_text="Where to go now, when a warning sign was answered after `worse`.",
    )
    care_route_text = serializers.CharField(allow_null=True)
    links = serializers.DictField(
        child=serializers.URLField(),
        help_text='{"book": url} when not improving (none once an appointment is booked).',
    )


# --- Errors ---------------------------------------------------------------------------------


# Documents the one error body (`clinic.api.exception_handler` writes it).
class ErrorSerializer(serializers.Serializer):
    type = serializers.CharField()
    detail = serializers.CharField()
    # The body's key is `errors`; the field shadows Serializer.errors, which this
    # documentation-only serializer never validates (so never reads).
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField())
    )

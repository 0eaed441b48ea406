"""DRF serializers that describe the intake API in the OpenAPI schema.

Validation itself lives in `intake.services.intake_validate` so the web form and the API
refuse exactly the same things; these serializers document the shapes.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinic.messaging.models import Channel
from intake import triage


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


@extend_schema_field(_openapi_30(triage.answers_json_schema()))
class AnswersField(serializers.JSONField):
    pass


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
    consent_follow_up = serializers.BooleanField(required=False, default=False)


class IntakeInputSerializer(serializers.Serializer):
    patient = PatientInputSerializer()
    answers = AnswersField()


class AdviceSerializer(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()


class TriageSerializer(serializers.Serializer):
    pattern = serializers.CharField(allow_null=True, help_text="null for an urgent intake.")
    secondary_patterns = serializers.ListField(child=serializers.CharField())
    urgency = serializers.ChoiceField(choices=["urgent", "assessment", "self_care"])
    red_flags = serializers.ListField(child=serializers.CharField())
    advice = AdviceSerializer(many=True)
    factors = serializers.ListField(child=serializers.CharField())
    matched_signs = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField())
    )
    rules_version = serializers.CharField()


class IntakeLinksSerializer(serializers.Serializer):
    result = serializers.URLField()
    book = serializers.URLField(
        required=False, help_text="The free second-opinion booking; absent for urgent cases."
    )


class IntakeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    token = serializers.CharField()
    triage = TriageSerializer()
    links = IntakeLinksSerializer()


class ErrorSerializer(serializers.Serializer):
    type = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))

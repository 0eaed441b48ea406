"""DRF serializers for the booking API: they check shapes and describe them in the schema.

Business rules (notice, horizon, who may book what) live in `referrals.services`.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from referrals.models import Appointment


class ClinicianSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    title = serializers.CharField()


class SlotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    clinician = ClinicianSerializer()
    starts_at = serializers.DateTimeField(help_text="ISO 8601 with the clinic's UTC offset.")
    ends_at = serializers.DateTimeField()


@extend_schema_field(
    {"type": "string", "description": "An ISO 8601 date-time, or a date (YYYY-MM-DD)."}
)
class DateOrDateTimeField(serializers.DateTimeField):
    """Accepts a date or a date-time, and says so in the schema."""


class SlotFilterSerializer(serializers.Serializer):
    clinician = serializers.IntegerField(required=False, min_value=1)
    starts_from = DateOrDateTimeField(
        required=False,
        input_formats=["iso-8601", "%Y-%m-%d"],
        help_text="Only slots starting at or after this time (ISO 8601 date or date-time; "
        "without an offset, the clinic's time zone).",
    )
    starts_before = DateOrDateTimeField(
        required=False,
        input_formats=["iso-8601", "%Y-%m-%d"],
        help_text="Only slots starting before this time (a date means its local midnight).",
    )

    def to_internal_value(self, data: object) -> dict:
        # An empty filter is an error, not "no filter": `?clinician=` is most likely a bug.
        empty = {
            name: ["Must not be empty; leave the parameter out instead."]
            for name in self.fields
            if hasattr(data, "get") and data.get(name) == ""
        }
        if empty:
            raise serializers.ValidationError(empty)
        return super().to_internal_value(data)

    def validate(self, attrs: dict) -> dict:
        start, end = attrs.get("starts_from"), attrs.get("starts_before")
        if start and end and end <= start:
            raise serializers.ValidationError({"starts_before": ["Must be after starts_from."]})
        return attrs


class StrictSerializer(serializers.Serializer):
    """Refuses unknown fields, so a typo is an error and not a silent default."""

    def to_internal_value(self, data: object) -> dict:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)


class AppointmentCreateSerializer(StrictSerializer):
    slot = serializers.IntegerField(min_value=1)
    token = serializers.CharField(max_length=400, help_text="The intake's patient token.")


class AppointmentCancelSerializer(StrictSerializer):
    token = serializers.CharField(max_length=400, help_text="The intake's patient token.")


class AppointmentRescheduleSerializer(StrictSerializer):
    slot = serializers.IntegerField(min_value=1)
    token = serializers.CharField(max_length=400, help_text="The intake's patient token.")


class AppointmentLinksSerializer(serializers.Serializer):
    cancel = serializers.URLField()
    reschedule = serializers.URLField()
    ics = serializers.URLField()


class AppointmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slot = serializers.IntegerField()
    clinician = ClinicianSerializer()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    links = AppointmentLinksSerializer()


class AppointmentStatusSerializer(AppointmentSerializer):
    status = serializers.ChoiceField(choices=Appointment.Status.values)


class SlotTakenSerializer(serializers.Serializer):
    type = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    alternatives = SlotSerializer(many=True)

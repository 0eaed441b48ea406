"""The booking API's input and output serializers: they check shapes, build every body,
and describe both in the schema.

Input serializers are strict (`clinic.api.StrictSerializer`). Business rules (notice,
horizon, who may book what) live in `referrals.services`.
"""

from datetime import date, datetime
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinic.api import StrictSerializer
from referrals.models import Appointment

# Every integer a client sends is bounded: ids are bigint primary keys.
ID_MAX = 2**63 - 1
EARLIEST_FILTER_DATE = date(2000, 1, 1)
LATEST_FILTER_DATE = date(2099, 12, 31)


class ClinicianSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    title = serializers.CharField()


# Output: an open slot, as the list and a taken slot's `alternatives` show it.
class SlotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    clinician = ClinicianSerializer()
    starts_at = serializers.DateTimeField(help_text="ISO 8601 with the clinic's UTC offset.")
    ends_at = serializers.DateTimeField()


@extend_schema_field(
    {"type": "string", "description": "An ISO 8601 date-time, or a date (YYYY-MM-DD)."}
)
class DateOrDateTimeField(serializers.DateTimeField):
    """Accepts a date or a date-time, and says so in the schema.

    Bounded: DRF's time-zone step overflows on 9999-12-31T23:59 (a 500), and no slot lies
    outside this century anyway.
    """

    default_error_messages = {"out_of_range": "Must be a date from 2000-01-01 to 2099-12-31."}

    def to_internal_value(self, value: Any) -> datetime:
        try:
            parsed: datetime = super().to_internal_value(value)
        except OverflowError:
            self.fail("out_of_range")
        if not EARLIEST_FILTER_DATE <= parsed.date() <= LATEST_FILTER_DATE:
            self.fail("out_of_range")
        return parsed


class SlotFilterSerializer(serializers.Serializer):
    clinician = serializers.IntegerField(required=False, min_value=1, max_value=ID_MAX)
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
            for name, _field in self.fields.items()
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


class AppointmentCreateSerializer(StrictSerializer):
    slot = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    token = serializers.CharField(max_length=400, help_text="The intake's patient token.")


class AppointmentCancelSerializer(StrictSerializer):
    token = serializers.CharField(max_length=400, help_text="The intake's patient token.")


class AppointmentRescheduleSerializer(StrictSerializer):
    slot = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    token = serializers.CharField(max_length=400, help_text="The intake's patient token.")


class ContactVerificationSendSerializer(StrictSerializer):
    token = serializers.CharField(max_length=400, help_text="The intake's patient token.")


class ContactVerificationConfirmSerializer(StrictSerializer):
    token = serializers.CharField(max_length=400, help_text="The intake's patient token.")
    code = serializers.RegexField(
        r"\A[0-9 ]*\Z",
        max_length=12,
        help_text="The six-digit code from the text message (spaces are ignored).",
        error_messages={"invalid": "Must be the six digits from the text message."},
    )

    def validate_code(self, value: str) -> str:
        digits = "".join(value.split())
        if len(digits) != 6:
            raise serializers.ValidationError("Must be the six digits from the text message.")
        return digits


# Output: where the intake's contact check stands (both contact-verification endpoints).
class ContactVerificationSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(
        choices=["sms", "email"],
        help_text="Where the code (sms) or the confirmation link (email) goes: the "
        "patient's chosen channel.",
    )
    verified = serializers.BooleanField(
        help_text="True once confirmed: booking (`POST /api/v1/appointments/`) is open."
    )


class AppointmentLinksSerializer(serializers.Serializer):
    cancel = serializers.URLField()
    reschedule = serializers.URLField()
    ics = serializers.URLField()


# Output: a booked appointment (`POST /api/v1/appointments/`).
class AppointmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slot = serializers.IntegerField()
    clinician = ClinicianSerializer()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    links = AppointmentLinksSerializer()


# Output: the appointment after a cancel or a move, with its status.
class AppointmentStatusSerializer(AppointmentSerializer):
    status = serializers.ChoiceField(choices=Appointment.Status.values)
    # The one state selector's answer (booked, awaiting_outcome, attended, ...).
    state = serializers.CharField()


# Documents the 409 body of a taken slot (`referrals.errors.SlotTaken`).
class SlotTakenSerializer(serializers.Serializer):
    type = serializers.CharField()
    detail = serializers.CharField()
    # The body's key is `errors`; the field shadows Serializer.errors, which this
    # documentation-only serializer never validates (so never reads).
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField())
    )
    alternatives = SlotSerializer(many=True)

"""The patient as messaging sees them: a `Recipient` on their channel, in their time zone."""

from clinic.messaging.models import Channel
from clinic.messaging.recipients import Recipient
from intake.models import Patient


def patient_recipient(patient: Patient, *, channel: str | None = None) -> Recipient:
    """The patient on `channel` (their own by default), with their email as SMS fallback."""
    channel = channel or patient.channel
    address = patient.phone if channel == Channel.SMS else patient.email
    fallback = patient.email if channel == Channel.SMS else ""
    return Recipient(
        channel=channel, address=address, zone=patient.timezone, fallback_email=fallback
    )


def intake_about(intake_id: int) -> str:
    """The opaque reference messaging stores for a message about one intake."""
    return f"intake:{intake_id}"

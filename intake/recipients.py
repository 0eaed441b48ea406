"""The patient as messaging sees them: a `Recipient` on their channel, in their time zone."""

from clinic.messaging.models import Channel
from clinic.messaging.recipients import Recipient
from intake.models import Patient


def patient_recipient(patient: Patient, *, channel: str | None = None) -> Recipient:
    """The patient on `channel` (their own by default), with their email as SMS fallback.

    For a child (under 16, section 9) every message goes to the parent or guardian's
    contact instead, never the child's. Every message is written in the patient's language.
    """
    channel = channel or patient.channel
    email, phone = patient_contact(patient)
    address = phone if channel == Channel.SMS else email
    fallback = email if channel == Channel.SMS else ""
    return Recipient(
        channel=channel,
        address=address,
        zone=patient.timezone,
        fallback_email=fallback,
        language=patient.language,
    )


def reply_recipient(patient: Patient) -> Recipient | None:
    """Who hears a reply to the patient's own submission (their plan, an urgent route): the
    patient on their channel, or on the other one when that is the only contact given; a
    child's parent or guardian instead. None without any contact. Not consent-gated: only
    the check-in a week on needs consent (clinical spec sections 6 and 7)."""
    for each in (patient.channel, Channel.SMS, Channel.EMAIL):
        recipient = patient_recipient(patient, channel=each)
        if recipient.address:
            return recipient
    return None


def patient_contact(patient: Patient) -> tuple[str, str]:
    """(email, phone) that messages about this patient use: the guardian's for a child."""
    if patient.has_guardian:
        return patient.guardian_email, patient.guardian_phone
    return patient.email, patient.phone


def intake_about(intake_id: int) -> str:
    """The opaque reference messaging stores for a message about one intake."""
    return f"intake:{intake_id}"

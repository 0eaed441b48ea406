"""What booking tells people: the patient's confirmation, cancellation and reminder (with an
.ics on email), and the clinician's notice of a booking or cancellation.

Called by referrals.services inside its transactions; messaging queues each message as a row
with an idempotency key per appointment version, so a retried booking never sends twice.
"""

from datetime import datetime
from typing import Any

from django.conf import settings

from clinic import languages
from clinic.messaging.models import Channel
from clinic.messaging.recipients import Recipient
from clinic.messaging.services import message_queue
from clinic.zones import clinic_zone_name
from intake.recipients import intake_about, patient_recipient
from referrals import selectors
from referrals.models import Appointment, Clinician


def _patient_context(appointment: Appointment) -> dict[str, Any]:
    patient = appointment.patient
    return {
        "first_name": patient.greeting_name,
        "when": selectors.when_text(appointment.starts_at, patient.timezone),
        "clinician_name": appointment.clinician.display_name,
        "clinician_title": appointment.clinician.title,
        "clinic_address": settings.CLINIC_ADDRESS,
        "links": selectors.appointment_links(appointment),
        "manage_url": selectors.appointment_url(appointment),
    }


def patient_message_item(
    appointment: Appointment,
    *,
    kind: str,
    now: datetime,
    extra: dict[str, Any] | None = None,
    unprompted: bool = False,
) -> dict[str, Any] | None:
    """message_queue's arguments for one message to the patient (None: no way to reach
    them), so a scan can queue many at once with messages_queue."""
    patient = appointment.patient
    recipient = patient_recipient(patient)
    if not recipient.address:
        return None
    with languages.override(patient.language):  # the day and time in their language
        return _patient_message_item(
            appointment, recipient, kind=kind, now=now, extra=extra, unprompted=unprompted
        )


def _patient_message_item(
    appointment: Appointment,
    recipient: Recipient,
    *,
    kind: str,
    now: datetime,
    extra: dict[str, Any] | None,
    unprompted: bool,
) -> dict[str, Any]:
    patient = appointment.patient
    attachments = []
    if patient.channel == Channel.EMAIL:
        attachments = [
            {
                "filename": "appointment.ics",
                "mimetype": "text/calendar",
                "content": selectors.appointment_ics(appointment, now=now),
            }
        ]
    return {
        "template": f"appointment_{kind}",
        "purpose": f"appointment_{kind}",
        "idempotency_key": f"appointment-{appointment.pk}-v{appointment.version}",
        "recipient": recipient,
        "context": {**_patient_context(appointment), **(extra or {})},
        "about": intake_about(appointment.intake_id),
        "attachments": attachments,
        "unprompted": unprompted,
    }


def _patient_message(
    appointment: Appointment, *, kind: str, now: datetime, extra: dict[str, Any]
) -> None:
    item = patient_message_item(appointment, kind=kind, now=now, extra=extra)
    if item is not None:
        message_queue(**item)


def patient_confirmation(
    appointment: Appointment, *, now: datetime, rescheduled: bool = False
) -> None:
    # A reply to the patient's own action: never held by quiet hours.
    _patient_message(appointment, kind="confirmation", now=now, extra={"rescheduled": rescheduled})


def patient_cancellation(appointment: Appointment, *, now: datetime) -> None:
    book_again = settings.SITE_URL + selectors.book_path(appointment.intake)
    _patient_message(appointment, kind="cancelled", now=now, extra={"book_url": book_again})


def clinician_notice(
    appointment: Appointment,
    *,
    event: str,
    clinician: Clinician | None = None,
    starts_at: datetime | None = None,
    previous_starts_at: datetime | None = None,
) -> None:
    """Tell the clinician of a booking or cancellation: times and ids, no health data."""
    clinician = clinician or appointment.clinician
    if not clinician.email:
        return
    zone = clinic_zone_name()
    message_queue(
        template=f"appointment_clinician_{event}",
        purpose=f"appointment_clinician_{event}",
        idempotency_key=f"appointment-{appointment.pk}-v{appointment.version}-c{clinician.pk}",
        recipient=Recipient(channel=Channel.EMAIL, address=clinician.email),
        context={
            "clinician_name": clinician.display_name,
            "when": selectors.when_text(starts_at or appointment.starts_at, zone),
            "previous_when": (
                selectors.when_text(previous_starts_at, zone) if previous_starts_at else ""
            ),
            "appointment_id": appointment.pk,
            "intake_id": appointment.intake_id,
            # The staff dashboard, not the admin: clinicians work from /staff/.
            "staff_url": settings.SITE_URL + f"/staff/intakes/{appointment.intake_id}/",
        },
        about=intake_about(appointment.intake_id),
        opt_out_link=False,  # the clinic's own mail to its clinicians
    )

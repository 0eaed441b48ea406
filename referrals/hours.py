"""When the clinic's hours go away under booked appointments (hours removed, a day off, a
clinician made inactive): each appointment is cancelled by the clinic, its patient is told
and offered the nearest free times, and the front desk gets the list.

Called by `referrals.services.slot_generate` for the slots it withdraws, so every path that
changes hours (admin, beat, demo) goes through it, inside the same transaction.
"""

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic import languages
from clinic.messaging.services import message_queue
from intake.recipients import patient_recipient
from referrals import selectors
from referrals.models import Appointment

ALTERNATIVES = 3


def appointments_displace(*, slot_ids: Iterable[int], now: datetime) -> list[Appointment]:
    """Cancel the booked, future appointments on withdrawn slots; tell each patient once.

    The caller holds the transaction (and the clinician's row lock). The slot row stays,
    not offered, so the cancelled appointment keeps its time in history.
    """
    displaced = list(
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot", "clinician", "patient", "intake")
        .filter(slot_id__in=list(slot_ids), status=Appointment.Status.BOOKED, starts_at__gt=now)
    )
    for appointment in displaced:
        appointment.status = Appointment.Status.CANCELLED
        appointment.cancelled_at = now
        appointment.cancelled_by_clinic = True
        appointment.updated_at = now
        appointment.version += 1
        appointment.save(
            update_fields=["status", "cancelled_at", "cancelled_by_clinic", "updated_at", "version"]
        )
        _patient_told(appointment, now=now)
    return displaced


def _patient_told(appointment: Appointment, *, now: datetime) -> None:
    patient = appointment.patient
    recipient = patient_recipient(patient)
    if not recipient.address:
        return  # the front desk's list shows them: the clinic phones
    alternatives = selectors.slot_alternatives(slot=appointment.slot, now=now, limit=ALTERNATIVES)
    with languages.override(patient.language):  # days and times in the patient's language
        when = selectors.when_text(appointment.starts_at, patient.timezone)
        choices = [
            _("%(when)s with %(name)s")
            % {
                "when": selectors.when_text(slot.starts_at, patient.timezone),
                "name": slot.clinician.display_name,
            }
            for slot in alternatives
        ]
    message_queue(
        template="appointment_clinic_cancelled",
        purpose="appointment_clinic_cancelled",
        idempotency_key=f"appointment-{appointment.pk}-v{appointment.version}",
        recipient=recipient,
        context={
            "first_name": patient.greeting_name,
            "when": when,
            "clinician_name": appointment.clinician.display_name,
            "alternatives": choices,
            "book_url": settings.SITE_URL + selectors.book_path(appointment.intake),
        },
        about=f"appointment:{appointment.pk}",
    )


def appointments_displaced(*, now: datetime | None = None) -> QuerySet[Appointment]:
    """The front desk's list: appointments the clinic cancelled that were still ahead, with
    whether the patient has booked again since."""
    now = now or timezone.now()
    return (
        Appointment.objects.filter(cancelled_by_clinic=True, starts_at__gt=now)
        .select_related("clinician", "patient", "intake")
        .order_by("starts_at")
    )

"""Every write about clinicians' time: generating slots, booking, cancelling, rescheduling,
reminders. The arithmetic of availability is in referrals.availability (pure); what each
change tells the patient and clinician is in referrals.notifications.

The database decides who gets a slot: the conditional unique constraint on an active
appointment's slot (and, on PostgreSQL, the exclusion constraint on the clinician's time
range). A lost race surfaces here as an IntegrityError and leaves as a 409 with alternatives.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.messaging.services import messages_queue
from clinic.zones import clinic_zone
from intake.models import Intake, Referral, Urgency
from referrals import availability, notifications, selectors
from referrals.errors import (
    AlreadyBooked,
    AppointmentCancelled,
    AppointmentPast,
    BookingNotOffered,
    SlotRefused,
    SlotTaken,
)
from referrals.hours import appointments_displace
from referrals.models import (
    ACTIVE_APPOINTMENT,
    Appointment,
    Clinician,
    Slot,
)

REMINDER_BEFORE = timedelta(hours=24)
REMINDER_BATCH = 50  # reminders queued (and rows locked) per transaction

# --- Slot generation ------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotChanges:
    created: int = 0
    withdrawn: int = 0
    reoffered: int = 0

    def __add__(self, other: "SlotChanges") -> "SlotChanges":
        return SlotChanges(
            self.created + other.created,
            self.withdrawn + other.withdrawn,
            self.reoffered + other.reoffered,
        )


def slot_generate(*, clinician: Clinician, now: datetime | None = None) -> SlotChanges:
    """Bring one clinician's future slots in line with their availability, up to the horizon.

    Idempotent: running it twice changes nothing the second time. Slots whose availability
    went away are withdrawn (deleted if no appointment ever used them); a booked appointment
    is never touched: the clinic contacts the patient.
    """
    now = now or timezone.now()
    zone = clinic_zone()
    horizon = now + timedelta(days=settings.BOOKING_HORIZON_DAYS)
    with transaction.atomic():
        # One regeneration per clinician at a time (beat and an admin save may overlap).
        clinician = Clinician.objects.select_for_update().get(pk=clinician.pk)
        desired: dict[datetime, datetime] = {}
        if clinician.active:
            first_day = now.astimezone(zone).date()
            last_day = horizon.astimezone(zone).date()
            times = availability.slot_times(
                weekly=clinician.weekly_hours.all(),
                exceptions=clinician.exceptions.filter(date__gte=first_day, date__lte=last_day),
                first_day=first_day,
                last_day=last_day,
                zone=zone,
                length_minutes=settings.SLOT_LENGTH_MINUTES,
            )
            desired = {start: end for start, end in times if now < start < horizon}
        existing = {
            s.starts_at: s for s in Slot.objects.filter(clinician=clinician, starts_at__gt=now)
        }
        new = [
            Slot(clinician=clinician, starts_at=start, ends_at=end, created_at=now)
            for start, end in desired.items()
            if start not in existing
        ]
        Slot.objects.bulk_create(new, ignore_conflicts=True)
        reoffer = [s.pk for start, s in existing.items() if start in desired and not s.offered]
        Slot.objects.filter(pk__in=reoffer).update(offered=True)
        gone = {s.pk for start, s in existing.items() if start not in desired and s.offered}
        used = set(Appointment.objects.filter(slot_id__in=gone).values_list("slot_id", flat=True))
        Slot.objects.filter(pk__in=gone - used).delete()
        Slot.objects.filter(pk__in=used).update(offered=False)
        # Nobody keeps a time that no longer exists: cancel, tell, offer the nearest times.
        appointments_displace(slot_ids=used, now=now)
    return SlotChanges(created=len(new), withdrawn=len(gone), reoffered=len(reoffer))


def slot_generate_all(*, now: datetime | None = None) -> SlotChanges:
    """The beat task's work: roll every clinician's horizon forward (inactive ones: withdraw)."""
    total = SlotChanges()
    for clinician in Clinician.objects.all():
        total += slot_generate(clinician=clinician, now=now)
    return total


# --- Booking --------------------------------------------------------------------------------


def _slot_taken(*, slot: Slot, now: datetime) -> SlotTaken:
    alternatives = selectors.slot_alternatives(slot=slot, now=now)
    return SlotTaken(alternatives=[selectors.slot_public(s) for s in alternatives])


def _slot_for_booking(*, slot_id: object, now: datetime) -> Slot:
    """The slot a patient asked for, or a clear refusal: unknown, past, too soon, too far,
    withdrawn or held."""
    if not isinstance(slot_id, int) or isinstance(slot_id, bool):
        raise SlotRefused("A slot id is a whole number.")
    slot = Slot.objects.select_related("clinician__user").filter(pk=slot_id).first()
    if slot is None:
        raise SlotRefused("There is no such slot.")
    if slot.starts_at <= now:
        raise SlotRefused("This time is in the past.")
    if slot.starts_at < now + settings.BOOKING_MIN_NOTICE:
        hours = int(settings.BOOKING_MIN_NOTICE.total_seconds() // 3600)
        raise SlotRefused(f"Appointments must be booked at least {hours} hours ahead.")
    if slot.starts_at >= now + timedelta(days=settings.BOOKING_HORIZON_DAYS):
        raise SlotRefused(
            f"Appointments can be booked up to {settings.BOOKING_HORIZON_DAYS} days ahead."
        )
    held = Appointment.objects.filter(ACTIVE_APPOINTMENT, slot=slot).exists()
    if held or not slot.offered or not slot.clinician.active:
        raise _slot_taken(slot=slot, now=now)
    return slot


def _already_booked(appointment: Appointment) -> AlreadyBooked:
    return AlreadyBooked(appointment_id=appointment.pk)


def _reminder_due(starts_at: datetime, now: datetime) -> datetime | None:
    """The day-before reminder; none when booked so late the confirmation is the reminder."""
    due = starts_at - REMINDER_BEFORE
    return due if due > now else None


def appointment_book(
    *, intake: Intake, slot_id: object, now: datetime | None = None, booked_from: str | None = None
) -> Appointment:
    """Book the intake's free second opinion in one slot, open its referral, confirm it.

    The checks before the insert only give clearer answers; the constraints decide.
    """
    now = now or timezone.now()
    if intake.urgency == Urgency.URGENT:
        raise BookingNotOffered
    slot = _slot_for_booking(slot_id=slot_id, now=now)
    existing = selectors.appointment_active_for_intake(intake)
    if existing is not None:
        raise _already_booked(existing)
    with transaction.atomic():
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    slot=slot,
                    clinician=slot.clinician,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    patient=intake.patient,
                    intake=intake,
                    reminder_due_at=_reminder_due(slot.starts_at, now),
                    created_at=now,
                    updated_at=now,
                    booked_from=booked_from,
                )
        except IntegrityError:
            existing = selectors.appointment_active_for_intake(intake)
            if existing is not None:
                raise _already_booked(existing) from None
            raise _slot_taken(slot=slot, now=now) from None
        Referral.objects.get_or_create(
            intake=intake, reason=Referral.Reason.SECOND_OPINION, defaults={"created_at": now}
        )
        notifications.patient_confirmation(appointment, now=now)
        notifications.clinician_notice(appointment, event="booked")
    return appointment


def appointment_cancel(*, appointment: Appointment, now: datetime | None = None) -> Appointment:
    """Cancel a booked appointment (its slot opens again); tell the patient and clinician."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = _lock(appointment)
        _refuse_unless_changeable(appointment, now=now)
        appointment.status = Appointment.Status.CANCELLED
        appointment.cancelled_at = now
        appointment.updated_at = now
        appointment.version += 1
        appointment.save(update_fields=["status", "cancelled_at", "updated_at", "version"])
        notifications.patient_cancellation(appointment, now=now)
        notifications.clinician_notice(appointment, event="cancelled")
    return appointment


def appointment_reschedule(
    *, appointment: Appointment, slot_id: object, now: datetime | None = None
) -> Appointment:
    """Move a booked appointment to another slot. The same row moves, so every link the
    patient already has shows the new time."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = _lock(appointment)
        _refuse_unless_changeable(appointment, now=now)
        if slot_id == appointment.slot_id:
            raise SlotRefused("This is already your appointment's time.")
        slot = _slot_for_booking(slot_id=slot_id, now=now)
        previous_clinician, previous_starts_at = appointment.clinician, appointment.starts_at
        appointment.slot = slot
        appointment.clinician = slot.clinician
        appointment.starts_at = slot.starts_at
        appointment.ends_at = slot.ends_at
        appointment.version += 1
        appointment.reminder_due_at = _reminder_due(slot.starts_at, now)
        appointment.reminder_sent_at = None
        appointment.updated_at = now
        try:
            with transaction.atomic():
                appointment.save()
        except IntegrityError:
            raise _slot_taken(slot=slot, now=now) from None
        notifications.patient_confirmation(appointment, now=now, rescheduled=True)
        if previous_clinician.pk != slot.clinician_id:
            notifications.clinician_notice(
                appointment,
                event="cancelled",
                clinician=previous_clinician,
                starts_at=previous_starts_at,
            )
        notifications.clinician_notice(
            appointment, event="booked", previous_starts_at=previous_starts_at
        )
    return appointment


def _lock(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot", "clinician__user", "patient", "intake")
        .get(pk=appointment.pk)
    )


def _refuse_unless_changeable(appointment: Appointment, *, now: datetime) -> None:
    state = selectors.appointment_state(appointment, now=now)
    if state == "cancelled":
        raise AppointmentCancelled
    if state != "booked":  # begun, attended or not attended: it has taken place
        raise AppointmentPast


# --- Reminders ------------------------------------------------------------------------------


def appointment_reminders_send_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """The beat scan: queue the day-before reminder of every appointment whose reminder is
    due, in batches. Claimed rows are skipped by a concurrent scan; the idempotency key sends
    it once."""
    now = now or timezone.now()
    sent = 0
    while sent < limit:
        size = min(REMINDER_BATCH, limit - sent)
        claimed = _reminders_send_batch(now=now, size=size)
        sent += claimed
        if claimed < size:
            break
    return sent


def _reminders_send_batch(*, now: datetime, size: int) -> int:
    # One transaction per batch, so the row locks last while one batch renders, not all
    # of them: a select, the messages in two queries, one UPDATE.
    with transaction.atomic():
        due = list(
            Appointment.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("clinician", "patient", "intake")
            .filter(
                status=Appointment.Status.BOOKED,
                reminder_sent_at__isnull=True,
                reminder_due_at__lte=now,
                starts_at__gt=now,
            )
            .order_by("reminder_due_at")[:size]
        )
        # Sent on the clinic's initiative: quiet hours and opt-out apply (messaging layer).
        items = [
            notifications.patient_message_item(
                appointment, kind="reminder", now=now, unprompted=True
            )
            for appointment in due
        ]
        messages_queue([item for item in items if item is not None])
        Appointment.objects.filter(pk__in=[a.pk for a in due]).update(reminder_sent_at=now)
    return len(due)

"""What happened at an appointment: recording its outcome, and the messages that follow it.

`appointment_outcome_record` is the only writer of AppointmentOutcome (the dashboard and the
admin both call it). It checks every field first and saves nothing on a refusal; on success
the appointment becomes completed or no-show, the intake's second-opinion referral closes,
and the patient hears from the clinic once:

- attended: a short thank-you with the plan's next step;
- did not attend: one kind offer to book again (one per intake, whatever happens later),
  except when the case is urgent: then the clinic is told instead, never the patient.

django-auditlog records the row with its actor (registered in dashboard/apps.py); the
dashboard view adds its own AuditEvent in the same transaction.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from clinic import languages
from clinic.errors import ApplicationError, InvalidInput
from clinic.messaging.models import Channel
from clinic.messaging.recipients import Recipient
from clinic.messaging.services import message_queue
from intake.models import Intake, Referral, Urgency
from intake.recipients import patient_recipient
from referrals import selectors
from referrals.models import Appointment, AppointmentOutcome

Attendance = AppointmentOutcome.Attendance
Diagnosis = AppointmentOutcome.Diagnosis
Plan = AppointmentOutcome.Plan

OTHER_MAX = 120
ONWARD_MAX = 120
NOTE_MAX = 1000

# The plan's next step, in the patient's thank-you (plain words, no diagnosis).
NEXT_STEP = {
    Plan.SELF_CARE: gettext_lazy(
        "Keep going with the self-care plan you agreed at your appointment."
    ),
    Plan.PHYSIO_COURSE: gettext_lazy(
        "The clinic will contact you to arrange your physiotherapy sessions."
    ),
    Plan.IMAGING: gettext_lazy("The clinic will contact you with the time of your scan."),
    Plan.ONWARD_REFERRAL: gettext_lazy(
        "We are passing your care to %(onward_to)s, who will contact you."
    ),
    Plan.DISCHARGED: gettext_lazy(
        "You need no further appointments. If your knee gets worse, contact us."
    ),
}


class OutcomeRefused(ApplicationError):
    """The appointment cannot take an outcome now (still ahead, cancelled, already recorded)."""

    type = "outcome_refused"
    status_code = 409
    default_detail = "This appointment cannot take an outcome."


@dataclass(frozen=True)
class OutcomeInput:
    attendance: str
    diagnosis: str = ""
    diagnosis_other: str = ""
    plan: str = ""
    onward_to: str = ""
    note: str = ""


def outcome_errors(data: OutcomeInput) -> dict[str, list[str]]:
    """Every field's problems at once (empty: valid). Pure, so forms and tests share it."""
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if data.attendance not in Attendance.values:
        refuse("attendance", "Choose attended or did not attend.")
    attended = data.attendance == Attendance.ATTENDED
    if attended:
        if not data.diagnosis:
            refuse("diagnosis", "Choose a working diagnosis.")
        elif data.diagnosis not in Diagnosis.values:
            refuse("diagnosis", "Choose one of the listed diagnoses.")
        if not data.plan:
            refuse("plan", "Choose a plan.")
        elif data.plan not in Plan.values:
            refuse("plan", "Choose one of the listed plans.")
        if data.diagnosis == Diagnosis.OTHER and not data.diagnosis_other:
            refuse("diagnosis_other", "Say in a few words what you found.")
        if data.diagnosis != Diagnosis.OTHER and data.diagnosis_other:
            refuse("diagnosis_other", "Only for the diagnosis “Other”.")
        if data.diagnosis == Diagnosis.ONWARD_URGENT and data.plan != Plan.ONWARD_REFERRAL:
            refuse("plan", "Someone sent on urgently has the plan “Referred on”.")
        if data.plan == Plan.ONWARD_REFERRAL and not data.onward_to:
            refuse("onward_to", "Say to whom the patient is referred.")
        if data.plan != Plan.ONWARD_REFERRAL and data.onward_to:
            refuse("onward_to", "Only for the plan “Referred on”.")
    elif data.attendance == Attendance.DID_NOT_ATTEND:
        for field in ("diagnosis", "diagnosis_other", "plan", "onward_to"):
            if getattr(data, field):
                refuse(field, "Leave this empty: the patient did not attend.")
    if len(data.diagnosis_other) > OTHER_MAX:
        refuse("diagnosis_other", f"At most {OTHER_MAX} characters.")
    if len(data.onward_to) > ONWARD_MAX:
        refuse("onward_to", f"At most {ONWARD_MAX} characters.")
    if len(data.note) > NOTE_MAX:
        refuse("note", f"At most {NOTE_MAX} characters.")
    return errors


# Long on purpose: one transaction's checks and writes in order, read top to bottom.
def appointment_outcome_record(
    *,
    appointment_id: int,
    by: Any,
    attendance: str,
    diagnosis: str = "",
    diagnosis_other: str = "",
    plan: str = "",
    onward_to: str = "",
    note: str = "",
    now: datetime | None = None,
) -> AppointmentOutcome:
    """Record what happened at an appointment that has begun; close its referral; tell the
    patient (or the clinic). InvalidInput names each bad field; nothing is saved then."""
    now = now or timezone.now()
    data = OutcomeInput(
        attendance=(attendance or "").strip(),
        diagnosis=(diagnosis or "").strip(),
        diagnosis_other=(diagnosis_other or "").strip(),
        plan=(plan or "").strip(),
        onward_to=(onward_to or "").strip(),
        note=(note or "").strip(),
    )
    errors = outcome_errors(data)
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("clinician", "patient", "intake")
            .get(pk=appointment_id)
        )
        state = selectors.appointment_state(appointment, now=now)
        if state == "booked":
            raise OutcomeRefused("This appointment has not begun yet.")
        if state == "cancelled":
            raise OutcomeRefused("This appointment was cancelled.")
        if state != "awaiting_outcome":
            raise OutcomeRefused("This appointment's outcome is already recorded.")
        user = by if getattr(by, "is_authenticated", False) else None
        outcome = AppointmentOutcome.objects.create(
            appointment=appointment,
            recorded_by=user,
            recorded_at=now,
            **data.__dict__,
        )
        attended = data.attendance == Attendance.ATTENDED
        appointment.status = (
            Appointment.Status.COMPLETED if attended else Appointment.Status.NO_SHOW
        )
        appointment.updated_at = now
        appointment.save(update_fields=["status", "updated_at"])
        Referral.objects.filter(
            intake_id=appointment.intake_id,
            reason=Referral.Reason.SECOND_OPINION,
        ).exclude(status=Referral.Status.CLOSED).update(
            status=Referral.Status.CLOSED, handled_by=user, handled_at=now
        )
        if attended:
            _thank_you(appointment, outcome)
        elif intake_is_urgent(appointment.intake_id):
            _clinic_told_of_urgent_no_show(appointment)
        else:
            _rebook_offer(appointment)
    return outcome


def intake_is_urgent(intake_id: int) -> bool:
    """Urgent by the engine, or by an urgent referral opened later (a flag at follow-up or a
    clinician's urgent mark both open one)."""
    urgent = Q(urgency=Urgency.URGENT) | Q(referrals__reason=Referral.Reason.URGENT)
    return Intake.objects.filter(urgent, pk=intake_id).exists()


def next_step_text(outcome: AppointmentOutcome) -> str:
    """The patient's next step, in the active language."""
    return str(NEXT_STEP[Plan(outcome.plan)]) % {"onward_to": outcome.onward_to}


def _about(appointment: Appointment) -> str:
    return f"appointment:{appointment.pk}"


def _thank_you(appointment: Appointment, outcome: AppointmentOutcome) -> None:
    recipient = patient_recipient(appointment.patient)
    if not recipient.address:
        return
    with languages.override(appointment.patient.language):
        next_step = next_step_text(outcome)
    message_queue(
        template="appointment_thanks",
        purpose="appointment_thanks",
        idempotency_key=f"appointment-{appointment.pk}",
        recipient=recipient,
        context={
            "first_name": appointment.patient.greeting_name,
            "clinician_name": appointment.clinician.display_name,
            "next_step": next_step,
        },
        about=_about(appointment),
    )


def _rebook_offer(appointment: Appointment) -> None:
    # Keyed by intake, not appointment: a patient who misses a rebooked time too is not
    # sent a second offer.
    recipient = patient_recipient(appointment.patient)
    if not recipient.address:
        return
    with languages.override(appointment.patient.language):
        when = selectors.when_text(appointment.starts_at, appointment.patient.timezone)
    message_queue(
        template="appointment_missed",
        purpose="appointment_missed",
        idempotency_key=f"intake-{appointment.intake_id}",
        recipient=recipient,
        context={
            "first_name": appointment.patient.greeting_name,
            "when": when,
            "book_url": settings.SITE_URL + selectors.book_path(appointment.intake),
        },
        about=_about(appointment),
        unprompted=True,
    )


def _clinic_told_of_urgent_no_show(appointment: Appointment) -> None:
    """An urgent patient who missed their appointment: a person at the clinic calls them."""
    message_queue(
        template="staff_urgent_no_show",
        purpose="staff_urgent_no_show",
        idempotency_key=f"appointment-{appointment.pk}",
        recipient=Recipient(channel=Channel.EMAIL, address=settings.CLINIC_STAFF_ALERT_EMAIL),
        context={
            "appointment_id": appointment.pk,
            "intake_id": appointment.intake_id,
            "staff_url": settings.SITE_URL + f"/staff/intakes/{appointment.intake_id}/",
        },
        about=_about(appointment),
        opt_out_link=False,  # the clinic's own alert
    )

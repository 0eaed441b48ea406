"""Every write to a patient's episode: submitting an intake (validate, triage, save)."""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from auditlog.context import disable_auditlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clinic.messaging.models import Channel
from clinic.messaging.recipients import Recipient
from clinic.messaging.services import message_queue
from clinic.tasking import enqueue
from intake import triage
from intake.models import FollowUp, Intake, Patient, Referral, TriageOutcome, Urgency
from intake.recipients import intake_about
from intake.tasks import advice_sheet_render, plan_send
from intake.validation import IntakeInvalid, answered_age, patient_clean

# The worker's half of an intake (sheet, plan) normally runs within seconds of the commit;
# the beat scans that redo a lost one leave it this long first, and look this far back.
AFTER_SUBMIT_SCAN_GRACE = timedelta(minutes=2)
AFTER_SUBMIT_SCAN_WINDOW = timedelta(days=2)


def intake_validate(*, patient: Any, answers: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check the patient's details and answers together, reporting every bad field at once."""
    errors: dict[str, list[str]] = {}
    clean_patient: dict[str, Any] = {}
    clean_answers: dict[str, Any] = {}
    try:
        # The age decides whether a guardian is needed (section 9), so it is read first.
        clean_patient = patient_clean(patient, age=answered_age(answers))
    except IntakeInvalid as exc:
        errors.update(exc.errors)
    if not isinstance(answers, Mapping):
        errors["answers"] = ["Must be an object with the answers to the questions."]
    else:
        try:
            clean_answers = triage.clean_answers(answers)
        except triage.AnswerError as exc:
            errors.update({f"answers.{key}": msgs for key, msgs in exc.errors.items()})
    if errors:
        raise IntakeInvalid(errors)
    return clean_patient, clean_answers


def intake_submit(*, patient: Any, answers: Any, now: datetime | None = None) -> Intake:
    """Validate, triage and save an intake with its outcome, follow-up or urgent referral.

    Everything is written in one transaction; other work goes to the broker only after
    commit, so a stopped Redis never loses or blocks an intake. The patient's own
    submission is not an audit event (the rows record it); staff changes are.
    """
    clean_patient, clean_answers = intake_validate(patient=patient, answers=answers)
    result = triage.evaluate(clean_answers)
    now = now or timezone.now()
    with transaction.atomic(), disable_auditlog():
        person = Patient.objects.create(**clean_patient, created_at=now)
        intake = Intake.objects.create(
            patient=person,
            answers=clean_answers,
            knee=clean_answers["knee"],
            pain_now=clean_answers["pain_now"],
            pain_worst_week=clean_answers.get("pain_worst_week"),
            duration_days=clean_answers["duration_days"],
            age=clean_answers["age"],
            urgency=result.urgency,
            pattern=result.pattern,
            submitted_at=now,
        )
        outcome = TriageOutcome.objects.create(
            intake=intake,
            pattern=result.pattern,
            secondary_patterns=list(result.secondary_patterns),
            urgency=result.urgency,
            care_route=result.care_route or "",
            red_flags=list(result.red_flags),
            assessment_reasons=list(result.assessment_reasons),
            advice=list(result.advice),
            factors=list(result.factors),
            matched_signs=result.matched_signs,
            scores=result.scores,
            rules_version=result.rules_version,
            created_at=now,
        )
        if result.urgency == Urgency.URGENT:
            _urgent_referral_open(intake=intake)
        elif person.consent_follow_up:
            FollowUp.objects.create(
                intake=intake,
                channel=person.channel,
                due_at=now + settings.FOLLOW_UP_DELAY,
                created_at=now,
            )
        # After commit, in the worker: the advice sheet, then (with consent, not urgent) the
        # "your plan" message linking to it. Nothing is rendered while the patient waits; a
        # lost task is found again by the beat scans (missing sheets, missing plans).
        if result.urgency != Urgency.URGENT and person.consent_follow_up:
            enqueue(plan_send, intake.pk)
        else:
            enqueue(advice_sheet_render, outcome.pk)
    return intake


def _urgent_referral_open(*, intake: Intake) -> None:
    """Flag the case for clinicians and alert the clinic at once (no health data in the alert)."""
    Referral.objects.create(intake=intake, reason=Referral.Reason.URGENT)
    message_queue(
        template="staff_urgent_alert",
        purpose="staff_urgent_alert",
        idempotency_key=f"intake-{intake.pk}",
        recipient=Recipient(channel=Channel.EMAIL, address=settings.CLINIC_STAFF_ALERT_EMAIL),
        context={
            "intake_id": intake.pk,
            "staff_url": settings.SITE_URL + f"/staff/intakes/{intake.pk}/",
        },
        about=intake_about(intake.pk),
        opt_out_link=False,  # the clinic's own alert: nobody may switch it off by a link
    )

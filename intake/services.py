"""Every write to a patient's episode: submitting an intake (validate, triage, save)."""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from auditlog.context import disable_auditlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clinic.languages import language_current
from clinic.tasking import enqueue
from intake import triage
from intake.models import FollowUp, Intake, Patient, SafetyScreen, TriageOutcome, Urgency
from intake.recipients import reply_recipient
from intake.selectors import patient_for_path
from intake.tasks import advice_sheet_render, plan_send
from intake.urgent import urgent_case_open
from intake.validation import IntakeInvalid, answered_age, patient_clean

# The worker's half of an intake (sheet, plan) normally runs within seconds of the commit;
# the beat scans that redo a lost one leave it this long first, and look this far back.
AFTER_SUBMIT_SCAN_GRACE = timedelta(minutes=2)
AFTER_SUBMIT_SCAN_WINDOW = timedelta(days=2)


def intake_validate(*, patient: object, answers: object) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check the patient's details and answers together, reporting every bad field at once."""
    errors: dict[str, list[str]] = {}
    clean_patient: dict[str, Any] = {}
    clean_answers: dict[str, Any] = {}
    try:
        # The age decides whether a guardian is needed (section 9), so it is read first.
        clean_patient = patient_clean(
            patient, age=answered_age(answers), default_language=language_current()
        )
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


def intake_submit(
    *,
    patient: object,
    answers: object,
    source: str = Intake.Source.FORM,
    safety_screen_id: int | None = None,
    now: datetime | None = None,
) -> Intake:
    """Validate, triage and save an intake with its outcome, follow-up or urgent case.

    Everything is written in one transaction; other work goes to the broker only after
    commit, so a stopped Redis never loses or blocks an intake. The patient's own
    submission is not an audit event (the rows record it); staff changes are.
    `safety_screen_id`: a flagged safety screen from the same browser session; an intake
    without flags after it is marked "safety answers changed" for a clinician to review.
    """
    clean_patient, clean_answers = intake_validate(patient=patient, answers=answers)
    result = triage.evaluate(clean_answers)
    now = now or timezone.now()
    screen = SafetyScreen.objects.filter(pk=safety_screen_id).first() if safety_screen_id else None
    with transaction.atomic(), disable_auditlog():
        intake, outcome = intake_rows_create(
            patient=clean_patient,
            answers=clean_answers,
            result=result,
            source=source,
            screen=screen,
            now=now,
        )
        person = intake.patient
        if result.urgency == Urgency.URGENT:
            urgent_case_open(intake=intake, red_flags=result.red_flags, source=source, now=now)
        # After commit, in the worker: the advice sheet, then (not urgent, a contact given)
        # the "your plan" message linking to it: a reply to their own submission, so consent
        # is not needed (it gates only the check-in). Nothing is rendered while the patient
        # waits; a lost task is found again by the beat scans (missing sheets, missing plans).
        if result.urgency != Urgency.URGENT and reply_recipient(person) is not None:
            enqueue(plan_send, intake.pk)
        else:
            enqueue(advice_sheet_render, outcome.pk)
    return intake


def intake_rows_create(
    *,
    patient: dict[str, Any],
    answers: dict[str, Any],
    result: triage.TriageResult,
    source: str,
    now: datetime,
    screen: SafetyScreen | None = None,
) -> tuple[Intake, TriageOutcome]:
    """An intake's rows, in the caller's transaction, one `INSERT … RETURNING` each: the
    patient, the intake, its outcome and (not urgent, with consent) the one-week follow-up.
    `patient` and `answers` are checked (`intake_validate`), `result` their triage."""
    person = Patient.objects.create(**patient, created_at=now)
    intake = Intake.objects.create(
        patient=person,
        answers=answers,
        **Intake.answer_columns(answers),
        urgency=result.urgency,
        pattern=result.pattern,
        source=source,
        safety_screen=screen,
        safety_answers_changed=bool(screen and screen.red_flags and not result.red_flags),
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
    if result.urgency != Urgency.URGENT and person.consent_follow_up:
        FollowUp.objects.create(
            intake=intake,
            channel=person.channel,
            due_at=now + settings.FOLLOW_UP_DELAY,
            created_at=now,
        )
    return intake, outcome


def patient_language_set(*, path: str, language: str) -> Patient | None:
    """Store `language` on the patient whose link opened `path`; returns them, or None."""
    patient = patient_for_path(path)  # the switch: intake.views.language_switch
    if patient is None or patient.language == language:
        return patient
    with transaction.atomic():
        Patient.objects.filter(pk=patient.pk).update(language=language)
    patient.language = language
    return patient

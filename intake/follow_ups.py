"""The one-week follow-up: sending the check-in, reminding once, and routing the answer.

The database is the schedule (`FollowUp.due_at`, `status`): `followups_send_due` runs from
beat every minute (and as `manage.py send_due_followups`), claims due rows with
`SKIP LOCKED` in small batches and queues their messages in the same transaction. The same
scan queues again any "your plan" message whose after-commit task was lost. The
clinical rule for "not improving" is section 6 of the clinical specification.
"""

import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy

from clinic.errors import ApplicationError, InvalidInput
from clinic.languages import language_current
from clinic.links import BadLink
from clinic.messaging.models import Channel, Message, Suppression
from clinic.messaging.quiet_hours import quiet_hours_next_allowed
from clinic.messaging.recipients import Recipient
from clinic.messaging.services import message_queue, messages_queue
from clinic.messaging.suppressions import suppressed_among
from clinic.tasking import enqueue
from clinic.zones import local_date
from intake import triage
from intake.advice import advice_sheet_store
from intake.links import (
    advice_sheet_url,
    booking_url,
    follow_up_answer_url,
    follow_up_id_from_token,
    follow_up_page_url,
    intake_url,
)
from intake.models import FollowUp, Intake, Referral, Urgency
from intake.recipients import intake_about, patient_recipient, reply_recipient
from intake.selectors import APPOINTMENT_IN_HAND_STATUSES, intake_with_outcome
from intake.services import AFTER_SUBMIT_SCAN_GRACE, AFTER_SUBMIT_SCAN_WINDOW
from intake.tasks import plan_send as plan_send_task
from intake.triage.translations import text_in
from intake.urgent import urgent_case_open, urgent_texts

logger = logging.getLogger(__name__)

ANSWERS = tuple(FollowUp.Answer.values)
PLAN_PURPOSE = "intake_plan"
OPEN_STATUSES = (FollowUp.Status.SENT, FollowUp.Status.REMINDED, FollowUp.Status.EXPIRED)


ANSWER_MESSAGE = gettext_lazy('Choose "better", "same" or "worse".')
RED_FLAGS_MESSAGE = gettext_lazy(
    "Must be a list of warning-sign keys (section 2), or [] for none of them."
)
PAIN_NOW_MESSAGE = gettext_lazy("Must be a whole number from 0 to 10, or left out.")
PAIN_WORST_WEEK_MESSAGE = PAIN_NOW_MESSAGE


class FollowUpError(ApplicationError):
    """A refused answer: the base of the follow-up's refusals (catch this for any of them)."""


class FollowUpAnswerInvalid(FollowUpError, InvalidInput):
    """The answer or the score is not one the check-in accepts; `errors` says which."""


class FollowUpAlreadyAnswered(FollowUpError):
    type = "already_answered"
    status_code = 409
    default_detail = gettext_lazy("You have already answered this check-in. Thank you!")


class FollowUpNotOpen(FollowUpError):
    type = "not_open"
    status_code = 409
    default_detail = gettext_lazy("This check-in is closed.")


# --- Links --------------------------------------------------------------------------------


def follow_up_get_by_token(token: str) -> FollowUp:
    """The follow-up (with its intake and patient) a token opens, or BadLink / ExpiredLink."""
    follow_up_id = follow_up_id_from_token(token)
    follow_up = FollowUp.objects.select_related("intake__patient").filter(pk=follow_up_id).first()
    if follow_up is None:
        raise BadLink  # a deleted record answers like a tampered link: nothing is revealed
    return follow_up


# --- Messages -----------------------------------------------------------------------------


def _base_context(intake: Intake) -> dict[str, Any]:
    return {"first_name": intake.patient.greeting_name, "result_url": intake_url(intake, "result")}


def plan_message_queue(*, intake: Intake) -> Message | None:
    """Right after the intake: "your plan" with the result and advice-sheet links.

    A reply to the patient's own submission, so not unprompted and sent without follow-up
    consent, to whatever contact they gave (`reply_recipient`); the check-in date is said
    only when one is scheduled (consent). Urgent cases and patients with no contact get no
    plan; the suppression list and the daily cap still hold at send time.
    """
    patient = intake.patient
    recipient = reply_recipient(patient)
    if recipient is None or intake.urgency == Urgency.URGENT:
        return None
    follow_up = intake.follow_up_or_none
    context = {
        **_base_context(intake),
        "sheet_url": advice_sheet_url(intake),
        # A date, not a datetime: templates would shift a datetime into the clinic's zone.
        "follow_up_on": local_date(follow_up.due_at, patient.timezone) if follow_up else None,
    }
    return message_queue(
        template="plan",
        purpose=PLAN_PURPOSE,
        idempotency_key=f"intake-{intake.pk}",
        recipient=recipient,
        context=context,
        about=intake_about(intake.pk),
    )


def plan_send(*, intake_id: int) -> Message | None:
    """The worker's half of an intake: store the advice sheet, then queue "your plan".

    The sheet comes first so that its link opens at once; a sheet that fails to render does
    not hold the message back (the sheet is rendered again when it is asked for).
    """
    intake = intake_with_outcome(intake_id)
    if intake is None:
        return None
    try:
        advice_sheet_store(outcome=intake.outcome)
    except Exception:
        logger.exception("advice sheet for intake %s not rendered; plan sent anyway", intake_id)
    return plan_message_queue(intake=intake)


def plans_missing(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Recent non-urgent intakes with a contact whose plan was never queued (a lost task)."""
    now = now or timezone.now()
    has_plan = Message.objects.filter(
        about=Concat(Value("intake:"), Cast(OuterRef("pk"), CharField())), purpose=PLAN_PURPOSE
    )
    return list(
        Intake.objects.filter(
            submitted_at__gte=now - AFTER_SUBMIT_SCAN_WINDOW,
            submitted_at__lte=now - AFTER_SUBMIT_SCAN_GRACE,
        )
        .filter(_has_contact)
        .exclude(urgency=Urgency.URGENT)
        .exclude(Exists(has_plan))
        .exclude(Q(patient__guardian_name="") & Exists(_patient_suppressed))
        .exclude(Q(patient__guardian_name__gt="") & Exists(_guardian_suppressed))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


# The patient (or, for a child, the guardian) gave an email or a phone: reply_recipient's test.
_has_contact = (
    Q(patient__guardian_name="", patient__email__gt="")
    | Q(patient__guardian_name="", patient__phone__gt="")
    | Q(patient__guardian_name__gt="", patient__guardian_email__gt="")
    | Q(patient__guardian_name__gt="", patient__guardian_phone__gt="")
)


# The intake's patient is on the suppression list for their own channel (an opt-out).
_patient_suppressed = Suppression.objects.filter(
    Q(channel=Channel.EMAIL, address=Lower(OuterRef("patient__email")))
    | Q(channel=Channel.SMS, address=OuterRef("patient__phone")),
    channel=OuterRef("patient__channel"),
)
# For a child, the guardian's contact is the one messages use, so the one that counts.
_guardian_suppressed = Suppression.objects.filter(
    Q(channel=Channel.EMAIL, address=Lower(OuterRef("patient__guardian_email")))
    | Q(channel=Channel.SMS, address=OuterRef("patient__guardian_phone")),
    channel=OuterRef("patient__channel"),
)


def _question_context(follow_up: FollowUp) -> dict[str, Any]:
    page_url = follow_up_page_url(follow_up)
    return {
        **_base_context(follow_up.intake),
        "answer_urls": {a: follow_up_answer_url(follow_up, a, page_url=page_url) for a in ANSWERS},
        "page_url": page_url,
    }


def _follow_up_message(
    follow_up: FollowUp, *, template: str, purpose: str, not_before: datetime | None
) -> dict[str, Any]:
    """The arguments of message_queue for a follow-up's question or reminder."""
    patient = follow_up.intake.patient
    return {
        "template": template,
        "purpose": purpose,
        "idempotency_key": f"followup-{follow_up.pk}",
        "recipient": patient_recipient(patient, channel=follow_up.channel),
        "context": _question_context(follow_up),
        "about": intake_about(follow_up.intake_id),
        "unprompted": True,
        "not_before": not_before,
    }


def _reachable(batch: list[FollowUp]) -> set[int]:
    """The follow-ups we may send: consent given (our check) and not suppressed. One query."""
    recipients = {f.pk: patient_recipient(f.intake.patient, channel=f.channel) for f in batch}
    suppressed = suppressed_among((r.channel, r.address) for r in recipients.values())
    return {
        f.pk
        for f in batch
        if f.intake.patient.consent_follow_up
        and (recipients[f.pk].channel, recipients[f.pk].address) not in suppressed
    }


# --- The scan -----------------------------------------------------------------------------


@dataclass
class SendDueResult:
    sent: int = 0
    reminded: int = 0
    expired: int = 0
    cancelled: int = 0
    plans: int = 0  # "your plan" messages whose task was lost, queued again
    more: bool = False  # the budget ran out with due rows left


def _claim(queryset: Any, batch_size: int) -> list[FollowUp]:
    """Lock a batch of rows no other worker holds; they stay ours until the commit."""
    return list(
        queryset.select_for_update(skip_locked=True, of=("self",))
        .select_related("intake__patient")
        .order_by("pk")[:batch_size]
    )


def followups_send_due(
    *, now: datetime | None = None, batch_size: int = 50, budget: float | None = None
) -> SendDueResult:
    """Send every due question and reminder, expire the unanswered; `now` is the clock.

    Each batch is one transaction: the follow-up's status and its message row commit
    together, so a worker killed mid-batch leaves the batch exactly as it found it. With a
    `budget` (seconds) the scan stops claiming batches once it is spent and says `more`,
    so a task never runs into its time limit however much fell due at once.
    """
    now = now or timezone.now()
    result = SendDueResult()
    stop_at = None if budget is None else time.monotonic() + budget

    def drain(queryset: Any, *, reminder: bool) -> None:
        while _send_batch(queryset, batch_size, now, result, reminder=reminder) == batch_size:
            if stop_at is not None and time.monotonic() >= stop_at:
                result.more = True
                return

    drain(
        FollowUp.objects.filter(status=FollowUp.Status.SCHEDULED, due_at__lte=now), reminder=False
    )
    if result.more:
        return result
    drain(
        FollowUp.objects.filter(
            status=FollowUp.Status.SENT, sent_at__lte=now - settings.FOLLOW_UP_REMINDER_AFTER
        ),
        reminder=True,
    )
    if result.more:
        return result
    with transaction.atomic():
        result.expired = FollowUp.objects.filter(
            status=FollowUp.Status.REMINDED,
            reminder_sent_at__lte=now - settings.FOLLOW_UP_EXPIRE_AFTER,
        ).update(status=FollowUp.Status.EXPIRED)
    missing = plans_missing(now=now)
    for intake_id in missing:
        enqueue(plan_send_task, intake_id)
    result.plans = len(missing)
    return result


def _send_batch(
    queryset: Any, batch_size: int, now: datetime, result: SendDueResult, *, reminder: bool
) -> int:
    with transaction.atomic():
        batch = _claim(queryset, batch_size)
        reachable = _reachable(batch)
        messages = []
        for follow_up in batch:
            if follow_up.pk not in reachable:
                follow_up.status = FollowUp.Status.CANCELLED
                result.cancelled += 1
                continue
            # `now` may stand in for the clock (the command's --now): it decides whether the
            # patient is in quiet hours; a message allowed "now" goes out straight away.
            opens = quiet_hours_next_allowed(at=now, zone=follow_up.intake.patient.timezone)
            messages.append(
                _follow_up_message(
                    follow_up,
                    template="followup_reminder" if reminder else "followup_question",
                    purpose="follow_up_reminder" if reminder else "follow_up",
                    not_before=opens if opens > now else None,
                )
            )
            # When it goes out (after quiet hours), on the scan's clock.
            if reminder:
                follow_up.status = FollowUp.Status.REMINDED
                follow_up.reminder_sent_at = opens
                result.reminded += 1
            else:
                follow_up.status = FollowUp.Status.SENT
                follow_up.sent_at = opens
                result.sent += 1
        messages_queue(messages)  # the batch's messages: two queries
        # In the transaction that wrote their messages: one UPDATE per distinct outcome
        # (usually one for the whole batch: all sent now).
        outcomes: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        for f in batch:
            outcomes[(f.status, f.sent_at, f.reminder_sent_at)].append(f.pk)
        for (status, sent_at, reminder_sent_at), pks in outcomes.items():
            FollowUp.objects.filter(pk__in=pks).update(
                status=status, sent_at=sent_at, reminder_sent_at=reminder_sent_at
            )
    return len(batch)


# --- The answer ---------------------------------------------------------------------------


def _score_bad(value: Any) -> bool:
    return value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10
    )


def follow_up_answer_clean(
    *, answer: Any, pain_now: Any, pain_worst_week: Any = None
) -> tuple[str, int | None, int | None]:
    """Check an answer and its optional scores, field by field, or raise FollowUpAnswerInvalid."""
    errors: dict[str, list[str]] = {}
    if answer not in ANSWERS:
        errors["answer"] = [str(ANSWER_MESSAGE)]
    if _score_bad(pain_now):
        errors["pain_now"] = [str(PAIN_NOW_MESSAGE)]
    if _score_bad(pain_worst_week):
        errors["pain_worst_week"] = [str(PAIN_WORST_WEEK_MESSAGE)]
    if errors:
        raise FollowUpAnswerInvalid(errors=errors)
    return answer, pain_now, pain_worst_week


def follow_up_red_flags_clean(red_flags: Any) -> list[str]:
    """The warning signs re-asked after `worse`: known keys, in the rules' order, each once."""
    if red_flags is None:
        return []
    if not isinstance(red_flags, list) or any(
        not isinstance(key, str) or key not in triage.RED_FLAGS for key in red_flags
    ):
        raise FollowUpAnswerInvalid(errors={"red_flags": [str(RED_FLAGS_MESSAGE)]})
    return [key for key in triage.RED_FLAGS if key in red_flags]


# Long on purpose: clean, lock, check, record and route, in the order they must happen.
def follow_up_respond(
    *,
    follow_up_id: int,
    answer: Any,
    pain_now: Any = None,
    pain_worst_week: Any = None,
    red_flags: Any = None,
    now: datetime | None = None,
) -> FollowUp:
    """Record the patient's answer once, and route them (section 6).

    Not improving ⇒ a `not_improving` referral for the clinicians and an invitation to
    book, or, when the episode already has a booked or attended appointment, a notice to
    the clinic instead; improving ⇒ a short note of encouragement fitted to the plan, and
    the episode closes. A second answer raises FollowUpAlreadyAnswered. Replies to the
    patient's answer are not unprompted.
    """
    answer, pain_now, pain_worst_week = follow_up_answer_clean(
        answer=answer, pain_now=pain_now, pain_worst_week=pain_worst_week
    )
    # Only `worse` re-asks the warning signs; any other answer carries none.
    flags = follow_up_red_flags_clean(red_flags) if answer == FollowUp.Answer.WORSE else []
    now = now or timezone.now()
    with transaction.atomic():
        follow_up = (
            FollowUp.objects.select_for_update(of=("self",))
            .select_related("intake__patient")
            .get(pk=follow_up_id)
        )
        if follow_up.status == FollowUp.Status.ANSWERED:
            raise FollowUpAlreadyAnswered
        # A patient who opted out after the question went out may still answer it.
        answerable = follow_up.status in OPEN_STATUSES or (
            follow_up.status == FollowUp.Status.CANCELLED and follow_up.sent_at is not None
        )
        if not answerable:
            raise FollowUpNotOpen
        follow_up.answer = answer
        follow_up.pain_now = pain_now
        follow_up.pain_worst_week = pain_worst_week
        follow_up.answered_at = now
        follow_up.status = FollowUp.Status.ANSWERED
        follow_up.red_flags = flags
        follow_up.save(
            update_fields=[
                "answer",
                "pain_now",
                "pain_worst_week",
                "red_flags",
                "answered_at",
                "status",
            ]
        )
        if flags:
            # A warning sign after `worse`: the urgent route (section 7), not an invitation
            # to book; the patient is shown and sent the route at once.
            urgent_case_open(intake=follow_up.intake, red_flags=flags, source="follow_up", now=now)
        else:
            _follow_up_route(follow_up)
    return follow_up


def _follow_up_route(follow_up: FollowUp) -> None:
    """Section 6's routing of a recorded answer: invite (or tell the clinic), or encourage."""
    intake = follow_up.intake
    if follow_up_not_improving(follow_up):
        Referral.objects.get_or_create(intake=intake, reason=Referral.Reason.NOT_IMPROVING)
        if episode_has_appointment(intake):
            # Never invite to book again: the clinician who has the case is told instead.
            _clinic_notice_queue(follow_up)
        else:
            _reply_queue(follow_up, template="followup_invite", purpose="follow_up_invite")
    else:
        intake.status = Intake.Status.CLOSED
        intake.save(update_fields=["status"])
        _reply_queue(
            follow_up,
            template="followup_encourage",
            purpose="follow_up_encourage",
            extra=encouragement_context(intake, language=intake.patient.language),
        )


def episode_has_appointment(intake: Intake) -> bool:
    """Whether the episode already has a booked or attended appointment (section 6)."""
    return Intake.objects.filter(
        pk=intake.pk, appointments__status__in=APPOINTMENT_IN_HAND_STATUSES
    ).exists()


def follow_up_not_improving(follow_up: FollowUp) -> bool:
    """Section 6's rule on an answered check-in, scores compared like with like."""
    intake = follow_up.intake
    return follow_up.status == FollowUp.Status.ANSWERED and triage.is_not_improving(
        answer=follow_up.answer,
        pain_worst_week=follow_up.pain_worst_week,
        pain_now=follow_up.pain_now,
        intake_pain_worst_week=intake.pain_worst_week,
        intake_pain_now=intake.pain_now,
    )


# The running plans' advice repeated in the encouragement, and the exam plan's marker.
ENCOURAGE_RUNNING_ADVICE = ("pain_guided_running", "return_to_running")
EXAM_PLAN_ADVICE = "assessment_needed"


def encouragement_context(intake: Intake, *, language: str | None = None) -> dict[str, Any]:
    """What the encouragement adds for the plan the patient was given (from the stored
    advice, in its own rules version's words): the running advice, or the exam reminder.
    In `language` (a message: the patient's), by default the active one (a page)."""
    outcome = getattr(intake, "outcome", None)
    advice = list(outcome.advice) if outcome else []
    version = outcome.rules_version if outcome else triage.RULES_VERSION
    language = language or language_current()
    return {
        "running_advice": [
            text_in(triage.advice_text(a, version=version), language=language, version=version)
            for a in ENCOURAGE_RUNNING_ADVICE
            if a in advice
        ],
        "exam_advised": EXAM_PLAN_ADVICE in advice,
    }


def follow_up_public(follow_up: FollowUp) -> dict[str, Any]:
    """The answer as the API gives it back, with the booking link when not improving."""
    not_improving = follow_up_not_improving(follow_up)
    urgent = bool(follow_up.red_flags)
    texts = urgent_texts(follow_up.red_flags) if urgent else None
    # No booking link for an episode a clinician already has (booked or attended), nor for
    # an urgent answer (same-day care, not an appointment).
    invite = not_improving and not urgent and not episode_has_appointment(follow_up.intake)
    return {
        "answer": follow_up.answer,
        "pain_now": follow_up.pain_now,
        "pain_worst_week": follow_up.pain_worst_week,
        "not_improving": not_improving,
        "red_flags": list(follow_up.red_flags),
        "care_route": texts["care_route"] if texts else None,
        "care_route_text": texts["route_text"] if texts else None,
        "links": {"book": booking_url(follow_up.intake)} if invite else {},
    }


def _reply_queue(
    follow_up: FollowUp, *, template: str, purpose: str, extra: dict[str, Any] | None = None
) -> Message:
    intake = follow_up.intake
    patient = intake.patient
    return message_queue(
        template=template,
        purpose=purpose,
        idempotency_key=f"followup-{follow_up.pk}",
        recipient=patient_recipient(patient, channel=follow_up.channel),
        context={**_base_context(intake), "booking_url": booking_url(intake), **(extra or {})},
        about=intake_about(intake.pk),
    )


def _clinic_notice_queue(follow_up: FollowUp) -> Message:
    """Tell the clinic that a patient with an appointment is not improving (no health data)."""
    intake_id = follow_up.intake_id
    return message_queue(
        template="staff_not_improving_notice",
        purpose="staff_not_improving_notice",
        idempotency_key=f"followup-{follow_up.pk}",
        recipient=Recipient(channel=Channel.EMAIL, address=settings.CLINIC_STAFF_ALERT_EMAIL),
        context={
            "intake_id": intake_id,
            "staff_url": settings.SITE_URL + f"/staff/intakes/{intake_id}/",
        },
        about=intake_about(intake_id),
        opt_out_link=False,  # the clinic's own mail
    )

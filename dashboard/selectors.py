"""Every read the dashboard makes. Each function runs a fixed number of queries, whatever the data.

The "Appointments" section is the only place the dashboard asks about booking (Clinician,
Slot, Appointment in the referrals app).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.paginator import Paginator
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Lower, Substr, TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from clinic.messaging.models import Channel, Message, Suppression
from clinic.zones import clinic_zone, clinic_zone_name, local_day_bounds
from dashboard.formatting import answer_with_unit
from dashboard.models import Contact, Note, TriageOverride
from intake import triage
from intake.explain import OutcomeExplanation, outcome_explained
from intake.models import FollowUp, Intake, Pattern, Referral, Urgency
from referrals.models import Appointment

# Blocks at the top of the queue show at most this many rows (and say when there are more):
# the page stays the same size however far behind the clinic is.
BLOCK_LIMIT = 25
QUEUE_PAGE_SIZE = 25
# Lists count at most this many rows: past it, "1,000+" is as useful as an exact figure and
# the count stays as cheap at a million intakes as at a thousand. Narrow the filters to see more.
COUNT_CAP = 1000
MESSAGE_PAGE_SIZE = 50
OUTCOME_WEEKS = 12

# --- The queue -------------------------------------------------------------------------------


class CappedPaginator(Paginator):
    """A Paginator whose count stops at COUNT_CAP (+1 to know there are more)."""

    @cached_property
    def count(self) -> int:
        return self.object_list[: COUNT_CAP + 1].count()  # type: ignore[attr-defined]  # a QuerySet

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def cap(self) -> int:
        return COUNT_CAP

    @cached_property
    def num_pages(self) -> int:
        return max(1, -(-min(self.count, COUNT_CAP) // self.per_page))


def _awaiting_acknowledgement() -> Q:
    """Urgent, no Acknowledgement row yet, and not closed: what heads the queue."""
    return (
        Q(urgency=Urgency.URGENT)
        & Q(acknowledgement__isnull=True)
        & ~Q(status=Intake.Status.CLOSED)
    )


def _oldest_first(
    candidates: QuerySet, *, order: tuple[str, ...], related: str, deferred: str, limit: int
) -> tuple[list[Any], bool]:
    """The `limit` oldest of `candidates`, and whether there are more. One query.

    The oldest few are chosen on ids alone (inner query, limit + 1 to know there are more)
    and only those are joined, so a long backlog costs a small sort, not a large join.
    """
    oldest = candidates.order_by(*order).values("pk")[: limit + 1]
    rows = list(
        candidates.model.objects.filter(pk__in=Subquery(oldest))
        .select_related(related)
        .defer(deferred)
        .order_by(*order)
    )
    return rows[:limit], len(rows) > limit


def urgent_unacknowledged(*, limit: int = BLOCK_LIMIT) -> tuple[list[Intake], bool]:
    """Urgent intakes nobody has acknowledged yet, oldest (most overdue) first, and whether
    there are more than `limit`. One query.

    The urgency index finds the urgent intakes (a small slice of the table); the
    acknowledgement check is an anti-join on its unique intake_id.
    """
    return _oldest_first(
        Intake.objects.filter(_awaiting_acknowledgement()),
        order=("submitted_at", "pk"),
        related="patient",
        deferred="answers",
        limit=limit,
    )


def referrals_not_improving(*, limit: int = BLOCK_LIMIT) -> tuple[list[Referral], bool]:
    """Open `not_improving` referrals, oldest first, with their intake and patient, and
    whether there are more than `limit`. One query; the referral index picks the oldest.
    """
    return _oldest_first(
        Referral.objects.filter(
            reason=Referral.Reason.NOT_IMPROVING,
            status__in=[Referral.Status.OPEN, Referral.Status.IN_PROGRESS],
        ),
        order=("created_at", "pk"),
        related="intake__patient",
        deferred="intake__answers",
        limit=limit,
    )


def phone_digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def intake_queue(
    *,
    urgency: str = "",
    pattern: str = "",
    status: str = Intake.Status.NEW,
    submitted_from: Any = None,
    submitted_to: Any = None,
    search: str = "",
) -> QuerySet[Intake]:
    """The intake list under the top blocks: filtered, by urgency then newest first.

    Urgency sorts by its stored value (assessment < self_care < urgent), which is the clinical
    order for what is left once the urgent block has taken the unacknowledged urgent intakes,
    and lets PostgreSQL walk the (urgency, status, -submitted_at) index instead of sorting.
    Without an urgency filter, the intakes already in the urgent block are left out here.
    """
    # The answers are the big column and the list never shows them.
    intakes = Intake.objects.select_related("patient").defer("answers")
    if status:
        intakes = intakes.filter(status=status)
    if urgency:
        intakes = intakes.filter(urgency=urgency)
    else:
        intakes = intakes.exclude(_awaiting_acknowledgement())
    if pattern:
        intakes = intakes.filter(pattern=pattern)
    if submitted_from:
        intakes = intakes.filter(submitted_at__gte=_start_of_day(submitted_from))
    if submitted_to:
        intakes = intakes.filter(submitted_at__lt=_start_of_day(submitted_to) + timedelta(days=1))
    if search:
        intakes = intakes.filter(_search_q(search))
    latest_override = TriageOverride.objects.filter(intake=OuterRef("pk")).order_by("-created_at")
    return intakes.annotate(
        override_pattern=Subquery(latest_override.values("pattern")[:1]),
        override_urgency=Subquery(latest_override.values("urgency")[:1]),
    ).order_by("urgency", "-submitted_at", "-pk")


def _search_q(search: str, *, patient: str = "patient__") -> Q:
    """Name, email or phone digits; the trigram indexes of intake migration 0003 serve it."""
    text = search.strip()
    q = Q(**{f"{patient}name__icontains": text}) | Q(**{f"{patient}email__icontains": text})
    digits = phone_digits(text)
    if len(digits) >= 4 and len(digits) >= len(text.replace(" ", "")) - 4:
        # Phones are stored in E.164 (+15550100199): match the digits however they were typed.
        q |= Q(**{f"{patient}phone__contains": digits})
    return q


def _start_of_day(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


# --- Appointments ------------------------------------------------------------------------------


def appointments_today() -> list[dict[str, Any]]:
    """Today's booked appointments (clinic time zone) grouped per clinician. One query."""
    zone = clinic_zone()
    start, end = local_day_bounds(at=timezone.now(), zone=clinic_zone_name())
    rows = (
        Appointment.objects.filter(
            status=Appointment.Status.BOOKED, starts_at__gte=start, starts_at__lt=end
        )
        .select_related("clinician", "patient")
        .order_by("clinician__display_name", "starts_at")
    )
    groups: dict[int, dict[str, Any]] = {}
    for row in rows:
        group = groups.setdefault(
            row.clinician_id, {"clinician": row.clinician.display_name, "appointments": []}
        )
        local = row.starts_at.astimezone(zone)
        group["appointments"].append(f"{local:%H:%M} {row.patient.name} (intake #{row.intake_id})")
    return list(groups.values())


def appointments_for_intake(intake: Intake) -> list[Any]:
    """The intake's appointments, newest first, as lines for the staff page. One query."""
    zone = clinic_zone()
    rows = (
        Appointment.objects.filter(intake=intake).select_related("clinician").order_by("-starts_at")
    )
    return [
        f"{row.starts_at.astimezone(zone):%a %d %b %Y %H:%M} with "
        f"{row.clinician.display_name}: {row.get_status_display()}"
        for row in rows
    ]


def booking_on_behalf_url(intake: Intake) -> str | None:
    """Staff book through their own page (dashboard/front_desk.py), never the patient's link.

    None for an urgent intake: urgent cases get same-day care, not an appointment.
    """
    if intake.urgency == Urgency.URGENT:
        return None
    return reverse("dashboard:intake_book", args=[intake.pk])


def bookings_from_invitations() -> dict[str, int]:
    """Per pattern, active or past bookings of intakes invited after a not-improving answer."""
    rows = (
        Appointment.objects.filter(intake__referrals__reason=Referral.Reason.NOT_IMPROVING)
        .exclude(status=Appointment.Status.CANCELLED)
        .values("intake__pattern")
        .annotate(n=Count("id", distinct=True))
    )
    return {row["intake__pattern"]: row["n"] for row in rows}


# --- The intake page -------------------------------------------------------------------------


def intake_for_staff(intake_id: int) -> Intake | None:
    """One intake with everything its staff page shows, in a fixed number of queries (6).

    `opted_out_at`: when the patient's address on their channel went on the suppression
    list (None if it is not on it), read in the same query.
    """
    suppression = Suppression.objects.filter(
        Q(channel=Channel.EMAIL, address=Lower(OuterRef("patient__email")))
        | Q(channel=Channel.SMS, address=OuterRef("patient__phone")),
        channel=OuterRef("patient__channel"),
    ).values("created_at")[:1]
    return (
        Intake.objects.annotate(opted_out_at=Subquery(suppression))
        .select_related(
            "patient",
            "outcome",
            "follow_up",
            "acknowledgement__acknowledged_by",
        )
        .prefetch_related(
            Prefetch(
                "referrals",
                queryset=Referral.objects.select_related("handled_by").order_by("created_at"),
            ),
            Prefetch(
                "notes", queryset=Note.objects.select_related("author").order_by("-created_at")
            ),
            Prefetch(
                "triage_overrides",
                queryset=TriageOverride.objects.select_related("overridden_by").order_by(
                    "-created_at"
                ),
            ),
            Prefetch(
                "contacts",
                queryset=Contact.objects.select_related("contacted_by").order_by("-contacted_at"),
            ),
        )
        .filter(pk=intake_id)
        .first()
    )


def messages_for_intake(intake: Intake) -> list[Message]:
    """Every message about this intake or to this patient, newest first. One query.

    "patient:<id>" is what the suppression migration gave older messages that had a patient
    but no intake (replies to STOP/START).
    """
    return list(
        Message.objects.filter(about__in=[f"intake:{intake.pk}", f"patient:{intake.patient_id}"])
        .only(
            "id",
            "channel",
            "template",
            "purpose",
            "recipient",
            "status",
            "attempts",
            "error",
            "created_at",
            "sent_at",
        )
        .order_by("-created_at")
    )


@dataclass(frozen=True)
class Answer:
    key: str
    question: str
    answer: str


def answers_plain(answers: dict[str, Any]) -> list[Answer]:
    """The patient's answers as the questions and choices they saw, in form order."""
    rows = []
    for key, question in triage.QUESTIONS.items():
        value = answers.get(key)
        labels = dict(question.choices)
        if question.type == "enum_list":
            text = "; ".join(labels.get(v, str(v)) for v in value or []) or "None"
        elif question.type == "enum":
            text = labels.get(value, "Not answered") if value is not None else "Not answered"
        elif question.type == "boolean":
            text = {True: "Yes", False: "No"}.get(value, "Not answered")  # type: ignore[arg-type]
        else:
            text = "Not answered" if value is None else answer_with_unit(key, value)
        rows.append(Answer(key=key, question=question.text, answer=text))
    return rows


def outcome_plain(intake: Intake) -> OutcomeExplanation | None:
    """The rules' outcome as clinicians read it (pattern, why, secondary patterns, version),
    or None before there is one."""
    outcome = getattr(intake, "outcome", None)
    return None if outcome is None else outcome_explained(outcome, audience="staff")


# --- The message log ---------------------------------------------------------------------------


def message_log(*, status: str = "", channel: str = "") -> QuerySet[Message]:
    """Every email and SMS, failed first, then newest first (no bodies: they may be clinical)."""
    messages = Message.objects.defer("body_text", "body_html", "attachments")
    if status:
        messages = messages.filter(status=status)
    if channel:
        messages = messages.filter(channel=channel)
    failed_first = Q(status=Message.Status.FAILED)
    return messages.annotate(
        failed_rank=Case(
            When(failed_first, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
        about_intake_id=_about_intake_id(),
    ).order_by("failed_rank", "-created_at", "-pk")


def _about_intake_id() -> Case:
    """The intake a message is about, from its opaque "intake:<id>" reference (else None)."""
    return Case(
        When(
            about__regex=r"^intake:[0-9]+$",
            then=Cast(Substr("about", len("intake:") + 1), IntegerField()),
        ),
        default=None,
        output_field=IntegerField(),
    )


# --- Outcomes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PatternOutcome:
    pattern: str
    name: str
    intakes: int
    answered: int
    better: int
    same: int
    worse: int
    pain_change: float | None
    bookings: int

    def share(self, count: int) -> int:
        return round(100 * count / self.answered) if self.answered else 0

    @property
    def better_pct(self) -> int:
        return self.share(self.better)

    @property
    def same_pct(self) -> int:
        return self.share(self.same)

    @property
    def worse_pct(self) -> int:
        return self.share(self.worse)


def outcomes_per_pattern() -> list[PatternOutcome]:
    """Per pattern: intakes, answered follow-ups, better/same/worse, mean pain change. One query."""
    answered = Q(follow_up__answer__gt="")
    rows = {
        row["pattern"]: row
        for row in Intake.objects.values("pattern").annotate(
            intakes=Count("id"),
            answered=Count("id", filter=answered),
            better=Count("id", filter=Q(follow_up__answer=FollowUp.Answer.BETTER)),
            same=Count("id", filter=Q(follow_up__answer=FollowUp.Answer.SAME)),
            worse=Count("id", filter=Q(follow_up__answer=FollowUp.Answer.WORSE)),
            pain_change=Avg(
                F("follow_up__pain_now") - F("pain_now"),
                filter=answered & Q(follow_up__pain_now__isnull=False),
            ),
        )
    }
    bookings = bookings_from_invitations()
    result = []
    for value, label in Pattern.choices:
        row: Any = rows.get(value, {})
        change = row.get("pain_change")
        result.append(
            PatternOutcome(
                pattern=value,
                name=triage.PATTERNS[value].name if value in triage.PATTERNS else label,
                intakes=row.get("intakes", 0),
                answered=row.get("answered", 0),
                better=row.get("better", 0),
                same=row.get("same", 0),
                worse=row.get("worse", 0),
                pain_change=round(float(change), 1) if change is not None else None,
                bookings=bookings.get(value, 0),
            )
        )
    return result


def weekly_intakes(*, weeks: int = OUTCOME_WEEKS, now: datetime | None = None) -> list[dict]:
    """Intakes per week (Monday start, clinic time) by urgency, the last `weeks`. One query."""
    now = timezone.localtime(now or timezone.now())
    this_monday = (now - timedelta(days=now.weekday())).date()
    first = this_monday - timedelta(weeks=weeks - 1)
    counts: dict[tuple[Any, str], int] = {}
    rows = (
        Intake.objects.filter(submitted_at__gte=_start_of_day(first))
        .annotate(week=TruncWeek("submitted_at"))
        .values("week", "urgency")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[(timezone.localtime(row["week"]).date(), row["urgency"])] = row["n"]
    result = []
    for i in range(weeks):
        monday = first + timedelta(weeks=i)
        per = {u: counts.get((monday, u), 0) for u in Urgency.values}
        result.append({"week": monday, "counts": per, "total": sum(per.values())})
    return result

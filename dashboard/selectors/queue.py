"""The queue's reads: the urgent and not-improving blocks on top, and the filtered intake list."""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from dashboard.models import TriageOverride
from intake.models import Intake, Referral, Urgency

# Blocks at the top of the queue show at most this many rows (and say when there are more):
# the page stays the same size however far behind the clinic is.
BLOCK_LIMIT = 25
QUEUE_PAGE_SIZE = 25


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
        intakes = intakes.filter(submitted_at__gte=start_of_day(submitted_from))
    if submitted_to:
        intakes = intakes.filter(submitted_at__lt=start_of_day(submitted_to) + timedelta(days=1))
    if search:
        intakes = intakes.filter(_search_q(search))
    latest_override = TriageOverride.objects.filter(intake=OuterRef("pk")).order_by("-created_at")
    # Safety answers changed (section 7: flags on the screen, none on the intake) come first.
    return intakes.annotate(
        override_pattern=Subquery(latest_override.values("pattern")[:1]),
        override_urgency=Subquery(latest_override.values("urgency")[:1]),
    ).order_by("-safety_answers_changed", "urgency", "-submitted_at", "-pk")


def _search_q(search: str, *, patient: str = "patient__") -> Q:
    """Name, email or phone digits; the trigram indexes of intake migration 0003 serve it."""
    text = search.strip()
    q = Q(**{f"{patient}name__icontains": text}) | Q(**{f"{patient}email__icontains": text})
    digits = phone_digits(text)
    if len(digits) >= 4 and len(digits) >= len(text.replace(" ", "")) - 4:
        # Phones are stored in E.164 (+15550100199): match the digits however they were typed.
        q |= Q(**{f"{patient}phone__contains": digits})
    return q


def start_of_day(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))

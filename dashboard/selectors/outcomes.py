"""Outcomes per pattern and intakes per week, for the outcomes page."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Avg,
    Count,
    F,
    Q,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone

from dashboard.selectors.appointments import bookings_from_invitations
from dashboard.selectors.queue import start_of_day
from intake import triage
from intake.models import FollowUp, Intake, Pattern, Urgency

OUTCOME_WEEKS = 12


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
        Intake.objects.filter(submitted_at__gte=start_of_day(first))
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

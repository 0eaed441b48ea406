"""Reads for the triage quality page: one query for the rows, one for the rules versions.

Every figure is computed in Python from the rows (dashboard.quality), so the page costs the
same number of queries for a hundred intakes or ten thousand.
"""

from datetime import date, datetime, time, timedelta

from django.db.models import DateTimeField, ExpressionWrapper, F, Min, OuterRef, QuerySet, Subquery

from clinic.zones import clinic_zone
from dashboard.models import TriageOverride
from dashboard.quality import QualityRow, version_key
from intake.models import Intake, Referral, TriageOutcome, Urgency
from referrals.models import AppointmentOutcome


def rules_versions() -> list[str]:
    """Every rules version that has triaged an intake, newest first."""
    versions = TriageOutcome.objects.values_list("rules_version", flat=True).distinct()
    return sorted(versions, key=version_key, reverse=True)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clinic_zone())


# Long on purpose: one query with its annotations, then the rows; a split would hide the query.
def quality_rows(*, date_from: date, date_to: date, rules_version: str = "") -> list[QualityRow]:
    """The intakes submitted between two clinic dates (inclusive), one row each, in one query.

    The clinician's view comes from the newest recorded appointment outcome and the newest
    urgency override; the first later sign of urgency is the earliest of an urgent referral
    opened after the intake, a clinician's urgent override, or an `onward_urgent` outcome.
    """
    intakes = Intake.objects.filter(
        submitted_at__gte=_day_start(date_from),
        submitted_at__lt=_day_start(date_to + timedelta(days=1)),
    )
    if rules_version:
        intakes = intakes.filter(outcome__rules_version=rules_version)
    newest_outcome = AppointmentOutcome.objects.filter(appointment__intake=OuterRef("pk")).order_by(
        "-recorded_at", "-pk"
    )
    newest_urgency = TriageOverride.objects.filter(intake=OuterRef("pk")).exclude(urgency="")
    newest_urgency = newest_urgency.order_by("-created_at", "-pk")
    after = ExpressionWrapper(OuterRef("submitted_at"), output_field=DateTimeField())

    def first(queryset: QuerySet, column: str) -> Subquery:
        """The earliest `column` of the intake's rows (grouped by the intake)."""
        return Subquery(
            queryset.annotate(first=Min(column)).values("first")[:1],
            output_field=DateTimeField(),
        )

    urgent_referral = first(
        Referral.objects.filter(
            intake=OuterRef("pk"), reason=Referral.Reason.URGENT, created_at__gt=after
        ).values("intake"),
        "created_at",
    )
    urgent_mark = first(
        TriageOverride.objects.filter(intake=OuterRef("pk"), urgency=Urgency.URGENT).values(
            "intake"
        ),
        "created_at",
    )
    onward_urgent = first(
        AppointmentOutcome.objects.filter(
            appointment__intake=OuterRef("pk"), diagnosis=AppointmentOutcome.Diagnosis.ONWARD_URGENT
        ).values("appointment__intake"),
        "recorded_at",
    )
    rows = (
        intakes.annotate(
            rules=F("outcome__rules_version"),
            fu_status=F("follow_up__status"),
            fu_answer=F("follow_up__answer"),
            diagnosis=Subquery(newest_outcome.values("diagnosis")[:1]),
            attendance=Subquery(newest_outcome.values("attendance")[:1]),
            plan=Subquery(newest_outcome.values("plan")[:1]),
            clinician_urgency=Subquery(newest_urgency.values("urgency")[:1]),
            first_referral=urgent_referral,
            first_mark=urgent_mark,
            first_onward=onward_urgent,
        )
        .order_by("submitted_at", "pk")
        .values(
            "pk",
            "submitted_at",
            "rules",
            "pattern",
            "urgency",
            "diagnosis",
            "attendance",
            "plan",
            "fu_status",
            "fu_answer",
            "clinician_urgency",
            "first_referral",
            "first_mark",
            "first_onward",
        )
    )
    zone = clinic_zone()
    result = []
    for row in rows:
        # The earliest of the three signs (SQL's LEAST treats NULL differently per database).
        signs = [row[key] for key in ("first_referral", "first_mark", "first_onward") if row[key]]
        result.append(
            QualityRow(
                intake_id=row["pk"],
                submitted_at=row["submitted_at"].astimezone(zone),
                rules_version=row["rules"] or "",
                pattern=row["pattern"],
                urgency=row["urgency"],
                diagnosis=row["diagnosis"] or "",
                attendance=row["attendance"] or "",
                plan=row["plan"] or "",
                follow_up_status=row["fu_status"] or "",
                follow_up_answer=row["fu_answer"] or "",
                later_urgent_at=min(signs).astimezone(zone) if signs else None,
                clinician_urgency=row["clinician_urgency"] or "",
            )
        )
    return result

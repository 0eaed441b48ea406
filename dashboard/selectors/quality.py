"""Reads for the triage quality page: summed counts, capped case lists, the CSV rows.

The page reads counts per combination of codes (`quality_tallies`, from the summary tables
that PostgreSQL triggers keep: migration 0008_quality_summary) and the first few cases behind
over- and under-triage (`quality_cases`); the pure figures in dashboard.quality are computed
from those. Only the CSV reads one row per intake (`quality_rows`). Every read is one query.
The summary is exact once drained (`dashboard.quality_services.quality_summary_drain`, which
the views call first); `quality_rows` reads the source tables and needs no drain.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection
from django.db.models import DateTimeField, ExpressionWrapper, F, Min, OuterRef, QuerySet, Subquery

from clinic.zones import clinic_zone
from dashboard.models import QUALITY_CODES, QualityCount, QualityFact, TriageOverride
from dashboard.quality import (
    QualityRow,
    QualityTally,
    tallies_from_rows,
    version_key,
)
from intake.models import Intake, Referral, TriageOutcome, Urgency
from referrals.models import AppointmentOutcome


def rules_versions() -> list[str]:
    """Every rules version that has triaged an intake, newest first.

    On PostgreSQL read from the daily counts by a skip scan of their version index (one
    probe per version, however many intakes); elsewhere from the triage outcomes."""
    if connection.vendor != "postgresql":
        versions = list(TriageOutcome.objects.values_list("rules_version", flat=True).distinct())
        return sorted(versions, key=version_key, reverse=True)
    table = QualityCount._meta.db_table
    sql = f"""
        WITH RECURSIVE seen AS (
            (SELECT rules_version AS v FROM {table} WHERE rules_version > '' AND count > 0
                ORDER BY rules_version LIMIT 1)
            UNION ALL
            SELECT (SELECT c.rules_version FROM {table} c
                    WHERE c.rules_version > seen.v AND c.count > 0
                    ORDER BY c.rules_version LIMIT 1)
            FROM seen WHERE seen.v IS NOT NULL
        )
        SELECT v FROM seen WHERE v IS NOT NULL
    """  # noqa: S608  # nosec B608: the table name from _meta, no values
    with connection.cursor() as cursor:
        cursor.execute(sql)
        versions = [version for (version,) in cursor.fetchall()]
    return sorted(versions, key=version_key, reverse=True)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clinic_zone())


def _intakes(*, date_from: date, date_to: date, rules_version: str = "") -> QuerySet[Intake]:
    """The intakes submitted between two clinic dates (inclusive), of one rules version."""
    intakes = Intake.objects.filter(
        submitted_at__gte=_day_start(date_from),
        submitted_at__lt=_day_start(date_to + timedelta(days=1)),
    )
    if rules_version:
        intakes = intakes.filter(outcome__rules_version=rules_version)
    return intakes


def _utc_midnight(moment: datetime, *, up: bool) -> datetime:
    """The UTC midnight at or before `moment` (or at or after it, `up`)."""
    day = moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day + timedelta(days=1) if up and day < moment else day


def _summary_sql(*, date_from: date, date_to: date, rules_version: str = "") -> tuple[str, list]:
    """The codes of every intake in the range, one row per (combination, count), from the
    summary tables (migration 0008_quality_summary): whole UTC days from the daily counts,
    the part-days at either end (the clinic's midnights need not be UTC's) from the
    per-intake rows. Its cost grows with the days and combinations, not the intakes."""
    start, end = _day_start(date_from), _day_start(date_to + timedelta(days=1))
    first, last = _utc_midnight(start, up=True), _utc_midnight(end, up=False)
    edges = [start, first, last, end] if first < last else [start, end, end, end]
    days = [first.date(), last.date()] if first < last else [first.date(), first.date()]
    version, versions = ("AND rules_version = %s", [rules_version]) if rules_version else ("", [])
    codes = ", ".join(QUALITY_CODES)
    sql = f"""
        SELECT {codes}, SUM(n) FROM (
            SELECT {codes}, count AS n FROM {QualityCount._meta.db_table}
            WHERE day >= %s AND day < %s AND count > 0 {version}
            UNION ALL
            SELECT {codes}, 1 FROM {QualityFact._meta.db_table}
            WHERE ((submitted_at >= %s AND submitted_at < %s)
                OR (submitted_at >= %s AND submitted_at < %s)) {version}
        ) AS counted
        GROUP BY {codes}
        ORDER BY 1, 2, 3
    """  # noqa: S608  # nosec B608: table and column names from code, every value a parameter
    return sql, [*days, *versions, *edges, *versions]


def quality_tallies(
    *, date_from: date, date_to: date, rules_version: str = ""
) -> list[QualityTally]:
    """How many intakes share each combination of the figures' codes, in one query.

    The answer has one row per combination seen (versions x patterns x urgencies x ...), not
    one per intake, and is read from the summary tables the database keeps (drained first:
    migration 0009_quality_dirty), so neither the query nor the page's work in Python grows
    with the number of intakes. Other databases than PostgreSQL (SQLite in development, no
    triggers) count the rows in Python.
    """
    if connection.vendor != "postgresql":
        rows = quality_rows(date_from=date_from, date_to=date_to, rules_version=rules_version)
        return tallies_from_rows(rows)
    sql, params = _summary_sql(date_from=date_from, date_to=date_to, rules_version=rules_version)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        groups = cursor.fetchall()
    return [_tally(*group) for group in groups]


def _tally(
    version: str,
    pattern: str,
    urgency: str,
    diagnosis: str,
    attendance: str,
    status: str,
    answer: str,
    clinician_urgency: str,
    soon: bool,
    count: int,
) -> QualityTally:
    """One summed row as a tally."""
    return QualityTally(
        rules_version=version,
        pattern=pattern,
        urgency=urgency,
        count=int(count),
        diagnosis=diagnosis,
        attendance=attendance,
        follow_up_status=status,
        follow_up_answer=answer,
        clinician_urgency=clinician_urgency,
        urgent_soon=bool(soon),
    )


def quality_cases(
    *, date_from: date, date_to: date, rules_version: str = "", limit: int
) -> tuple[list[QualityRow], list[QualityRow]]:
    """The oldest `limit` cases behind over-triage and behind under-triage, in one query:
    at most 2 x `limit` intakes, found by walking the summary's partial indexes in order."""
    if connection.vendor != "postgresql":
        rows = quality_rows(date_from=date_from, date_to=date_to, rules_version=rules_version)
        return [r for r in rows if r.over_triage][:limit], [r for r in rows if r.under_triage][
            :limit
        ]
    facts = QualityFact.objects.filter(
        submitted_at__gte=_day_start(date_from),
        submitted_at__lt=_day_start(date_to + timedelta(days=1)),
    )
    if rules_version:
        facts = facts.filter(rules_version=rules_version)
    oldest = facts.order_by("submitted_at", "intake_id").values("intake_id")
    wanted = oldest.filter(over_triage=True)[:limit].union(oldest.filter(under_triage=True)[:limit])
    rows = list(_rows(Intake.objects.filter(pk__in=wanted)))
    return (
        [row for row in rows if row.over_triage][:limit],
        [row for row in rows if row.under_triage][:limit],
    )


class LazyRows:
    """Every row of a filter, read from the database only if someone iterates (the page's
    figures carry it; the page never reads it, the CSV and tests may)."""

    def __init__(self, **filters: object) -> None:
        self.filters = filters

    def __iter__(self) -> Iterator[QualityRow]:
        return iter(quality_rows(**self.filters))  # type: ignore[arg-type]


def quality_rows(*, date_from: date, date_to: date, rules_version: str = "") -> list[QualityRow]:
    """The intakes submitted between two clinic dates (inclusive), one row each, in one query.

    The clinician's view comes from the newest recorded appointment outcome and the newest
    urgency override; the first later sign of urgency is the earliest of an urgent referral
    opened after the intake, a clinician's urgent override, or an `onward_urgent` outcome.
    """
    intakes = _intakes(date_from=date_from, date_to=date_to, rules_version=rules_version)
    return list(_rows(intakes, stream=True))


# Long on purpose: one query with its annotations, then the rows; a split would hide the query.
def _rows(intakes: QuerySet[Intake], *, stream: bool = False) -> Iterator[QualityRow]:
    """One QualityRow per intake, in one query, oldest first."""
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
    for row in rows.iterator(chunk_size=2000) if stream else rows:
        # The earliest of the three signs (SQL's LEAST treats NULL differently per database).
        signs = [row[key] for key in ("first_referral", "first_mark", "first_onward") if row[key]]
        yield (
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

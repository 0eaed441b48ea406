"""Reads for the triage quality page: counts by GROUP BY, capped case lists, the CSV rows.

The page reads counts per combination of codes (`quality_tallies`, a bounded number of rows
however many intakes there are) and the first few cases behind over- and under-triage
(`quality_cases`); the pure figures in dashboard.quality are computed from those. Only the
CSV reads one row per intake (`quality_rows`). Every read is one query.
"""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import DateTimeField, ExpressionWrapper, F, Min, OuterRef, QuerySet, Subquery

from clinic.zones import clinic_zone
from dashboard.models import TriageOverride
from dashboard.quality import (
    LATER_URGENT_WINDOW,
    QualityRow,
    QualityTally,
    tallies_from_rows,
    version_key,
)
from intake.models import FollowUp, Intake, Referral, TriageOutcome, Urgency
from referrals.models import Appointment, AppointmentOutcome


def rules_versions() -> list[str]:
    """Every rules version that has triaged an intake, newest first."""
    versions = TriageOutcome.objects.values_list("rules_version", flat=True).distinct()
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


# Long on purpose: one WITH clause, read as a whole; a split would hide the query.
def _view_sql(*, date_from: date, date_to: date, rules_version: str = "") -> tuple[str, list]:
    """The WITH clause every counting query starts from, and its parameters.

    `view` is one row per intake in the range: the engine's codes, the newest outcome's codes,
    the newest urgency override, the follow-up, and `urgent_soon` (a non-urgent intake with a
    sign of urgency within 14 days: the earliest sign is within the window exactly when some
    sign is). The newest rows
    and the signs are found once for the whole range with DISTINCT ON and hash joins, not by
    a subquery per intake, so the database's work stays a few scans of small tables.
    """
    intake, outcome = Intake._meta.db_table, TriageOutcome._meta.db_table
    follow_up, referral = FollowUp._meta.db_table, Referral._meta.db_table
    override = TriageOverride._meta.db_table
    appointment, seen = Appointment._meta.db_table, AppointmentOutcome._meta.db_table
    params: list = [_day_start(date_from), _day_start(date_to + timedelta(days=1))]
    version = ""
    if rules_version:
        version = "AND o.rules_version = %s"
        params.append(rules_version)
    params += [
        Referral.Reason.URGENT.value,
        Urgency.URGENT.value,
        AppointmentOutcome.Diagnosis.ONWARD_URGENT.value,
        LATER_URGENT_WINDOW,
        Urgency.URGENT.value,  # only a non-urgent intake can be under-triaged
    ]
    # Only table names from the models' _meta and fixed text are formatted in; every value is
    # a parameter.
    sql = f"""
        WITH intakes AS (
            SELECT i.id, i.submitted_at, i.pattern, i.urgency, o.rules_version
            FROM {intake} i LEFT JOIN {outcome} o ON o.intake_id = i.id
            WHERE i.submitted_at >= %s AND i.submitted_at < %s {version}
        ),
        newest_outcome AS (
            SELECT DISTINCT ON (a.intake_id) a.intake_id, s.diagnosis, s.attendance
            FROM {seen} s
            JOIN {appointment} a ON a.id = s.appointment_id
            JOIN intakes ON intakes.id = a.intake_id
            ORDER BY a.intake_id, s.recorded_at DESC, s.id DESC
        ),
        newest_urgency AS (
            SELECT DISTINCT ON (t.intake_id) t.intake_id, t.urgency
            FROM {override} t JOIN intakes ON intakes.id = t.intake_id
            WHERE t.urgency <> ''
            ORDER BY t.intake_id, t.created_at DESC, t.id DESC
        ),
        signs AS (
            SELECT r.intake_id, r.created_at AS at
            FROM {referral} r JOIN {intake} i ON i.id = r.intake_id
            WHERE r.reason = %s AND r.created_at > i.submitted_at
            UNION ALL
            SELECT t.intake_id, t.created_at FROM {override} t WHERE t.urgency = %s
            UNION ALL
            SELECT a.intake_id, s.recorded_at
            FROM {seen} s JOIN {appointment} a ON a.id = s.appointment_id
            WHERE s.diagnosis = %s
        ),
        soon AS (
            SELECT DISTINCT signs.intake_id
            FROM signs JOIN {intake} i ON i.id = signs.intake_id
            WHERE signs.at <= i.submitted_at + %s AND i.urgency <> %s
        ),
        view AS (
            SELECT intakes.id, intakes.submitted_at, intakes.rules_version, intakes.pattern,
                intakes.urgency, newest_outcome.diagnosis, newest_outcome.attendance,
                f.status AS fu_status, f.answer AS fu_answer,
                newest_urgency.urgency AS clinician_urgency,
                soon.intake_id IS NOT NULL AS urgent_soon
            FROM intakes
            LEFT JOIN newest_outcome ON newest_outcome.intake_id = intakes.id
            LEFT JOIN newest_urgency ON newest_urgency.intake_id = intakes.id
            LEFT JOIN {follow_up} f ON f.intake_id = intakes.id
            LEFT JOIN soon ON soon.intake_id = intakes.id
        )
    """  # noqa: S608  # nosec B608: table names from _meta, every value a parameter
    return sql, params


# Over- and under-triage in SQL over `view`: the same conditions as QualityTally's (and
# QualityRow's); parameters in QUALITY_CASE_PARAMS.
_CASE_SQL = """(urgency = %s AND (clinician_urgency IN (%s, %s)
    OR (attendance = %s AND diagnosis <> %s))) OR (urgency <> %s AND urgent_soon)"""
_CASE_PARAMS = [
    Urgency.URGENT.value,
    Urgency.ASSESSMENT.value,
    Urgency.SELF_CARE.value,
    AppointmentOutcome.Attendance.ATTENDED.value,
    AppointmentOutcome.Diagnosis.ONWARD_URGENT.value,
    Urgency.URGENT.value,
]


def quality_tallies(
    *, date_from: date, date_to: date, rules_version: str = "", cases: int = 0
) -> list[QualityTally]:
    """How many intakes share each combination of the figures' codes, in one GROUP BY query.

    The answer has one row per combination seen (versions x patterns x urgencies x ...), not
    one per intake, so the page's work in Python does not grow with the number of intakes.
    A combination that is over- or under-triage also carries its oldest `cases` intake ids.
    Other databases than PostgreSQL (SQLite in development) count the rows in Python.
    """
    if connection.vendor != "postgresql":
        rows = quality_rows(date_from=date_from, date_to=date_to, rules_version=rules_version)
        return tallies_from_rows(rows, cases=cases)
    sql, params = _view_sql(date_from=date_from, date_to=date_to, rules_version=rules_version)
    sql += f"""
        SELECT rules_version, pattern, urgency, diagnosis, attendance, fu_status, fu_answer,
            clinician_urgency, urgent_soon, COUNT(*),
            (ARRAY_AGG(id ORDER BY submitted_at, id) FILTER (WHERE {_CASE_SQL}))[1:%s]
        FROM view
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
        ORDER BY 1, 2, 3
    """  # noqa: S608  # nosec B608: fixed text, every value a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *_CASE_PARAMS, cases])
        groups = cursor.fetchall()
    return [_tally(*group) for group in groups]


def _tally(
    version: str | None,
    pattern: str,
    urgency: str,
    diagnosis: str | None,
    attendance: str | None,
    status: str | None,
    answer: str | None,
    clinician_urgency: str | None,
    soon: bool,
    count: int,
    ids: list[int] | None,
) -> QualityTally:
    """One GROUP BY row as a tally (NULL from a missing outcome, override or follow-up: "")."""
    return QualityTally(
        rules_version=version or "",
        pattern=pattern,
        urgency=urgency,
        count=count,
        diagnosis=diagnosis or "",
        attendance=attendance or "",
        follow_up_status=status or "",
        follow_up_answer=answer or "",
        clinician_urgency=clinician_urgency or "",
        urgent_soon=bool(soon),
        case_ids=tuple(ids or ()),
    )


def quality_cases(
    tallies: list[QualityTally], *, limit: int
) -> tuple[list[QualityRow], list[QualityRow]]:
    """The oldest `limit` cases behind over-triage and behind under-triage, in one query
    (a bounded one: at most `limit` ids per combination of codes)."""
    over = {i for t in tallies if t.over_triage for i in t.case_ids}
    under = {i for t in tallies if t.under_triage for i in t.case_ids}
    # Always one query, even with no cases, so the page's query count never varies: ids start
    # at 1, so [0] finds nothing (by the primary key's index, as any short list does).
    wanted = sorted(over | under) or [0]
    rows = list(_rows(Intake.objects.filter(pk__in=wanted)))
    return (
        [row for row in rows if row.intake_id in over][:limit],
        [row for row in rows if row.intake_id in under][:limit],
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

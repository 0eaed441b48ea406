"""Triage quality arithmetic: agreement, Cohen's kappa, triage errors and rates. Pure.

No Django here: the rows come from `dashboard.selectors.quality`, the figures go to the
page, the CSV and the tests (which check them on hand-worked data sets).
"""

import csv
import io
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

Z_95 = 1.959964  # the two-sided 95% point of the normal distribution
LATER_URGENT_WINDOW = timedelta(days=14)


@dataclass(frozen=True)
class QualityRow:
    """One intake as the quality page sees it: ids, dates and codes only (de-identified)."""

    intake_id: int
    submitted_at: datetime
    rules_version: str
    pattern: str
    urgency: str
    diagnosis: str = ""  # the clinician's working diagnosis ("" if none recorded)
    attendance: str = ""  # "attended", "did_not_attend" or ""
    plan: str = ""
    follow_up_status: str = ""  # "" when the intake had no follow-up
    follow_up_answer: str = ""
    # The first sign of urgency after the intake, if any: an urgent referral opened later,
    # a clinician's urgent mark, or an `onward_urgent` diagnosis.
    later_urgent_at: datetime | None = None
    clinician_urgency: str = ""  # the newest clinician override of the urgency, if any

    @property
    def over_triage(self) -> bool:
        """Urgent by the engine, judged non-urgent by a clinician."""
        return is_over_triage(self.urgency, self.clinician_urgency, self.attendance, self.diagnosis)

    @property
    def under_triage(self) -> bool:
        """Not urgent by the engine, but urgent within 14 days of the intake."""
        if self.urgency == "urgent" or self.later_urgent_at is None:
            return False
        return self.later_urgent_at - self.submitted_at <= LATER_URGENT_WINDOW


def is_over_triage(urgency: str, clinician_urgency: str, attendance: str, diagnosis: str) -> bool:
    """Urgent by the engine, judged non-urgent by a clinician (an override or a visit)."""
    if urgency != "urgent":
        return False
    judged_non_urgent = clinician_urgency in ("assessment", "self_care")
    seen_non_urgent = attendance == "attended" and diagnosis != "onward_urgent"
    return judged_non_urgent or seen_non_urgent


@dataclass(frozen=True)
class QualityTally:
    """How many intakes share one combination of the codes the figures read.

    The page's selector reads these from the summary tables the database keeps, so its cost
    does not grow with the number of intakes; `urgent_soon` stands for "not urgent, but urgent
    within 14 days", decided in SQL (the one fact a row's dates carry that the figures need).
    """

    rules_version: str
    pattern: str
    urgency: str
    count: int
    diagnosis: str = ""
    attendance: str = ""
    follow_up_status: str = ""
    follow_up_answer: str = ""
    clinician_urgency: str = ""
    urgent_soon: bool = False

    @property
    def over_triage(self) -> bool:
        return is_over_triage(self.urgency, self.clinician_urgency, self.attendance, self.diagnosis)

    @property
    def under_triage(self) -> bool:
        return self.urgency != "urgent" and self.urgent_soon


def tallies_from_rows(rows: Iterable[QualityRow]) -> list[QualityTally]:
    """The rows counted per combination of codes (what the summary tables hold)."""
    counts: Counter[tuple[str, str, str, str, str, str, str, str, bool]] = Counter()
    for row in rows:
        key = (
            row.rules_version,
            row.pattern,
            row.urgency,
            row.diagnosis,
            row.attendance,
            row.follow_up_status,
            row.follow_up_answer,
            row.clinician_urgency,
            row.under_triage,
        )
        counts[key] += 1
    return [_tally(key, count) for key, count in counts.items()]


def _tally(key: tuple[str, str, str, str, str, str, str, str, bool], count: int) -> QualityTally:
    version, pattern, urgency, diagnosis, attendance, status, answer, clinician_urgency, soon = key
    return QualityTally(
        rules_version=version,
        pattern=pattern,
        urgency=urgency,
        count=count,
        diagnosis=diagnosis,
        attendance=attendance,
        follow_up_status=status,
        follow_up_answer=answer,
        clinician_urgency=clinician_urgency,
        urgent_soon=soon,
    )


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Rules versions in release order: 2026.6.0 before 2026.12.1 (numbers, not text)."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in version.split("."))


# --- Agreement ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Confusion:
    """Counts of (engine pattern, clinician diagnosis) over one square list of labels."""

    labels: list[str]
    counts: dict[tuple[str, str], int]

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    def cell(self, engine: str, clinician: str) -> int:
        return self.counts.get((engine, clinician), 0)

    def table(self) -> list[list[int]]:
        return [[self.cell(row, col) for col in self.labels] for row in self.labels]


def confusion_matrix(pairs: Iterable[tuple[str, str]], *, labels: Sequence[str] = ()) -> Confusion:
    """The matrix over `labels` plus any label seen (engine rows, clinician columns)."""
    return confusion_from_counts(Counter(pairs), labels=labels)


def confusion_from_counts(
    counts: dict[tuple[str, str], int], *, labels: Sequence[str] = ()
) -> Confusion:
    """The matrix from counts already made (say by GROUP BY), labels ordered as above."""
    counts = {pair: n for pair, n in counts.items() if n}
    seen = [label for pair in counts for label in pair]
    ordered = list(dict.fromkeys([*labels, *seen]))
    return Confusion(labels=ordered, counts=dict(counts))


def observed_agreement(matrix: Confusion) -> float | None:
    if not matrix.n:
        return None
    return sum(matrix.cell(label, label) for label in matrix.labels) / matrix.n


@dataclass(frozen=True)
class Kappa:
    kappa: float
    low: float
    high: float
    observed: float
    expected: float
    n: int


def cohen_kappa(matrix: Confusion) -> Kappa | None:
    """Cohen's kappa with its 95% interval (the large-sample standard error
    sqrt(po(1-po) / (n(1-pe)^2)), as in Cohen 1960); None with no cases, or when chance
    agreement is total (every case one label: kappa is undefined)."""
    n = matrix.n
    if not n:
        return None
    po = sum(matrix.cell(label, label) for label in matrix.labels) / n
    rows = {label: sum(matrix.cell(label, c) for c in matrix.labels) for label in matrix.labels}
    cols = {label: sum(matrix.cell(r, label) for r in matrix.labels) for label in matrix.labels}
    pe = sum(rows[label] * cols[label] for label in matrix.labels) / (n * n)
    if pe >= 1:
        return None
    kappa = (po - pe) / (1 - pe)
    se = math.sqrt(po * (1 - po) / (n * (1 - pe) ** 2))
    return Kappa(
        kappa=kappa,
        low=max(-1.0, kappa - Z_95 * se),
        high=min(1.0, kappa + Z_95 * se),
        observed=po,
        expected=pe,
        n=n,
    )


# --- The page's figures ---------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def share(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def percent(self) -> str:
        share = self.share
        return "—" if share is None else f"{share * 100:.0f}%"


@dataclass
class VersionAgreement:
    rules_version: str
    matrix: Confusion
    agreement: float | None
    kappa: Kappa | None


@dataclass
class QualityFigures:
    # Every row (the rows the figures were computed from): a list in the pure tests, a lazy
    # re-readable sequence on the page, which never reads it.
    rows: Iterable[QualityRow]
    by_version: list[VersionAgreement] = field(default_factory=list)
    # The listed cases behind over- and under-triage: at most the page's cap, oldest first;
    # the rate's numerator is how many there are in all ("showing N of M").
    over_triage: list[QualityRow] = field(default_factory=list)
    over_triage_rate: Rate = Rate(0, 0)
    under_triage: list[QualityRow] = field(default_factory=list)
    under_triage_rate: Rate = Rate(0, 0)
    follow_up_answer_rate: Rate = Rate(0, 0)
    improving_by_pattern: dict[str, Rate] = field(default_factory=dict)
    no_show_rate: Rate = Rate(0, 0)


# A follow-up that went out (so could be answered): every status but scheduled/cancelled.
FOLLOW_UP_SENT = ("sent", "reminded", "answered", "expired")


def quality_figures(rows: list[QualityRow], *, patterns: Sequence[str] = ()) -> QualityFigures:
    """Every figure of the quality page from the rows (each case listed)."""
    return tally_figures(
        tallies_from_rows(rows),
        patterns=patterns,
        rows=rows,
        over_triage=[row for row in rows if row.over_triage],
        under_triage=[row for row in rows if row.under_triage],
    )


def tally_figures(
    tallies: Sequence[QualityTally],
    *,
    patterns: Sequence[str] = (),
    rows: Iterable[QualityRow] = (),
    over_triage: Sequence[QualityRow] = (),
    under_triage: Sequence[QualityRow] = (),
) -> QualityFigures:
    """Every figure of the quality page from counted combinations, one pass per figure.

    The listed cases are passed in as they are (the page caps them; the rates count all).
    """

    def total(kept: Iterable[QualityTally]) -> int:
        return sum(tally.count for tally in kept)

    figures = QualityFigures(
        rows=rows, over_triage=list(over_triage), under_triage=list(under_triage)
    )
    versions = sorted({t.rules_version for t in tallies}, key=version_key, reverse=True)
    for version in versions:
        pairs: Counter[tuple[str, str]] = Counter()
        for t in tallies:
            if t.rules_version == version and t.attendance == "attended" and t.diagnosis:
                pairs[(t.pattern, t.diagnosis)] += t.count
        matrix = confusion_from_counts(pairs, labels=patterns)
        figures.by_version.append(
            VersionAgreement(version, matrix, observed_agreement(matrix), cohen_kappa(matrix))
        )
    urgent = [t for t in tallies if t.urgency == "urgent"]
    figures.over_triage_rate = Rate(total(t for t in urgent if t.over_triage), total(urgent))
    non_urgent = [t for t in tallies if t.urgency != "urgent"]
    figures.under_triage_rate = Rate(
        total(t for t in non_urgent if t.under_triage), total(non_urgent)
    )
    sent = [t for t in tallies if t.follow_up_status in FOLLOW_UP_SENT]
    answered = [t for t in sent if t.follow_up_answer]
    figures.follow_up_answer_rate = Rate(total(answered), total(sent))
    by_pattern: dict[str, list[QualityTally]] = {pattern: [] for pattern in patterns}
    for t in answered:
        by_pattern.setdefault(t.pattern, []).append(t)
    figures.improving_by_pattern = {
        pattern: Rate(total(t for t in group if t.follow_up_answer == "better"), total(group))
        for pattern, group in by_pattern.items()
    }
    seen = [t for t in tallies if t.attendance]
    figures.no_show_rate = Rate(
        total(t for t in seen if t.attendance == "did_not_attend"), total(seen)
    )
    return figures


# --- The CSV --------------------------------------------------------------------------------

CSV_COLUMNS = (
    "intake_id",
    "submitted_on",
    "rules_version",
    "engine_pattern",
    "engine_urgency",
    "clinician_diagnosis",
    "attendance",
    "plan",
    "follow_up_status",
    "follow_up_answer",
    "later_urgent_on",
    "clinician_urgency",
    "over_triage",
    "under_triage",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """A cell a spreadsheet will not run: text starting like a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _day(value: datetime | date | None) -> str:
    return "" if value is None else f"{value:%Y-%m-%d}"


def quality_csv(rows: Iterable[QualityRow]) -> str:
    """The de-identified rows behind every figure: ids, dates and codes; no names or contacts."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        cells = (
            row.intake_id,
            _day(row.submitted_at),
            row.rules_version,
            row.pattern,
            row.urgency,
            row.diagnosis,
            row.attendance,
            row.plan,
            row.follow_up_status,
            row.follow_up_answer,
            _day(row.later_urgent_at),
            row.clinician_urgency,
            "yes" if row.over_triage else "no",
            "yes" if row.under_triage else "no",
        )
        writer.writerow([csv_safe(cell) for cell in cells])
    return out.getvalue()

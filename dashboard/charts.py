"""Server-rendered SVG charts for the outcomes page: geometry only, the templates draw it.

No chart library and no script: the numbers are computed here, the SVG is plain markup that
prints, works offline and passes the CSP. Every chart sits beside a table of its numbers.
"""

from dataclasses import dataclass

from clinic import locales
from intake.models import Urgency

BAR_WIDTH = 300  # the 100% bar, in SVG units
ROW_HEIGHT = 28
COLUMN_WIDTH = 28
COLUMN_GAP = 8
PLOT_HEIGHT = 160
URGENCY_ORDER = (Urgency.SELF_CARE, Urgency.ASSESSMENT, Urgency.URGENT)  # bottom to top


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


def outcome_bars(outcomes: list) -> dict:
    """One 100% bar per pattern: better / same / worse shares of answered follow-ups."""
    rects: list[Rect] = []
    labels = []
    for row_index, row in enumerate(outcomes):
        y = row_index * ROW_HEIGHT
        labels.append({"y": y + ROW_HEIGHT * 0.65, "text": row.name})
        x = 0.0
        for part, count in (("better", row.better), ("same", row.same), ("worse", row.worse)):
            if not row.answered or not count:
                continue
            width = BAR_WIDTH * count / row.answered
            rects.append(
                Rect(x, y + 4, width, ROW_HEIGHT - 8, f"bar--{part}", f"{row.name}: {count} {part}")
            )
            x += width
        if not row.answered:
            rects.append(
                Rect(0, y + 4, BAR_WIDTH, ROW_HEIGHT - 8, "bar--none", f"{row.name}: no answers")
            )
    return {
        "rects": rects,
        "labels": labels,
        "width": BAR_WIDTH,
        "height": max(len(outcomes), 1) * ROW_HEIGHT,
    }


def weekly_columns(weeks: list[dict]) -> dict:
    """Stacked columns: intakes per week, self-care at the bottom, urgent on top."""
    peak = max((week["total"] for week in weeks), default=0) or 1
    rects: list[Rect] = []
    ticks = []
    for index, week in enumerate(weeks):
        x = index * (COLUMN_WIDTH + COLUMN_GAP)
        top = float(PLOT_HEIGHT)
        for urgency in URGENCY_ORDER:
            count = week["counts"].get(urgency, 0)
            if not count:
                continue
            height = PLOT_HEIGHT * count / peak
            top -= height
            week_of = locales.date_text(week["week"], "MONTH_DAY_FORMAT")
            label = f"Week of {week_of}: {count} {Urgency(urgency).label}"
            rects.append(Rect(x, top, COLUMN_WIDTH, height, f"bar--{urgency}", label))
        tick = locales.date_text(week["week"], "CHART_TICK_FORMAT")
        ticks.append({"x": x + COLUMN_WIDTH / 2, "text": tick})
    return {
        "rects": rects,
        "ticks": ticks,
        "width": max(len(weeks), 1) * (COLUMN_WIDTH + COLUMN_GAP),
        "height": PLOT_HEIGHT,
        "peak": peak,
    }

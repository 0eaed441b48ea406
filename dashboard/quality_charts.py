"""Server-drawn SVG for the quality page, in the manner of dashboard.charts: geometry here,
markup in the template, the numbers in a table beside each chart. No script, no CDN."""

from typing import Any

from dashboard.charts import BAR_WIDTH, ROW_HEIGHT, Rect
from dashboard.quality import Confusion, Rate


def share_bars(rates: dict[str, Rate], names: dict[str, str]) -> dict[str, Any]:
    """One bar per pattern: the share improving at one week (grey when nobody answered)."""
    rects, labels = [], []
    for index, (key, rate) in enumerate(rates.items()):
        y = index * ROW_HEIGHT
        name = names.get(key, key)
        labels.append({"y": y + ROW_HEIGHT * 0.65, "text": name})
        if rate.share is None:
            rects.append(
                Rect(0, y + 4, BAR_WIDTH, ROW_HEIGHT - 8, "bar--none", f"{name}: no answers")
            )
            continue
        title = f"{name}: {rate.numerator} of {rate.denominator} better"
        rects.append(Rect(0, y + 4, BAR_WIDTH, ROW_HEIGHT - 8, "bar--track", title))
        rects.append(Rect(0, y + 4, BAR_WIDTH * rate.share, ROW_HEIGHT - 8, "bar--better", title))
    return {
        "rects": rects,
        "labels": labels,
        "width": BAR_WIDTH,
        "height": max(len(rates), 1) * ROW_HEIGHT,
    }


def heat_cells(matrix: Confusion) -> list[list[dict[str, Any]]]:
    """The confusion matrix as table cells shaded by their share of the row (0–4 steps)."""
    table = []
    for engine in matrix.labels:
        total = sum(matrix.cell(engine, c) for c in matrix.labels)
        row = []
        for clinician in matrix.labels:
            count = matrix.cell(engine, clinician)
            step = 0 if not total or not count else 1 + min(3, int(4 * count / total))
            row.append({"count": count, "step": step, "agree": engine == clinician})
        table.append(row)
    return table

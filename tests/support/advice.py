"""Helpers for the advice-sheet tests: answers for every outcome, reading a PDF back."""

import io
from typing import Any

from pypdf import PdfReader

# Answers that land on each pattern of the clinical spec (checked in the tests themselves).
PATTERN_ANSWERS: dict[str, dict[str, Any]] = {
    "runners_knee": {},
    "patellar_tendinitis": {"pain_locations": ["below_kneecap"], "pain_triggers": ["running"]},
    "it_band_syndrome": {
        "pain_locations": ["outside"],
        "pain_triggers": ["running"],
        "run_onset": "after_few_minutes",
        "eases_when_stopping": True,
    },
    "meniscus_tear": {
        "pain_locations": ["all_over"],
        "pain_triggers": ["at_rest"],
        "symptoms": ["locking", "stiffness"],
        "injury_event": "twist_or_pivot",
    },
    "osteoarthritis": {
        "pain_locations": ["inside"],
        "pain_triggers": ["walking", "sitting_long", "stairs"],
        "symptoms": ["swelling", "morning_stiffness"],
        "age": 62,
    },
    "unclear": {"pain_locations": ["back"], "pain_triggers": []},
}

# Every contributing factor at once: the longest plan each pattern can produce.
ALL_FACTORS: dict[str, Any] = {
    "running_specific_shoes": False,
    "shoe_km": 1200,
    "recent_increase": True,
    "surfaces": ["road", "banked_or_cambered"],
    "foot_rolls_inward": "yes",
    "cadence_spm": 160,
}


def pdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def squash(text: str) -> str:
    """Text without any whitespace: line wrapping in the PDF cannot break a comparison."""
    return "".join(text.split())


def pdf_squashed(pdf: bytes) -> str:
    return squash(" ".join(pdf_pages(pdf)))


def pdf_page_fill(pdf: bytes) -> list[float]:
    """How far down each page its text reaches, as a share of the space between the top and
    bottom margins (the running footer and page number below it not counted)."""
    fills = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        height = float(page.mediabox.height)
        top, bottom = height - MARGIN_TOP_PT, MARGIN_BOTTOM_PT
        lowest = [top]

        def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
            y = tm[5] * cm[3] + cm[5]
            if text.strip() and bottom < y <= top + 1:
                lowest.append(y)

        page.extract_text(visitor_text=visit)
        fills.append(round((top - min(lowest)) / (top - bottom), 2))
    return fills


# static/advice/sheet.css's @page margins (16 mm top, 18 mm bottom) in PDF points.
MARGIN_TOP_PT = 16 / 25.4 * 72
MARGIN_BOTTOM_PT = 18 / 25.4 * 72

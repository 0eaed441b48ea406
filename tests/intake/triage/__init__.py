"""Tests of the knee-triage rules engine; pure Python, no Django or database needed."""

import dataclasses
from typing import Any

from intake.triage import TriageResult, clean_answers

# The required answers only, chosen to match no sign of any pattern (pain at the back).
REQUIRED: dict[str, Any] = {
    "knee": "left",
    "pain_locations": ["back"],
    "pain_now": 3,
    "duration_days": 3,
    "age": 30,
    "red_flags": [],
}


def answers(**overrides: Any) -> dict[str, Any]:
    """Clean answers: the required ones above with `overrides` on top."""
    return clean_answers({**REQUIRED, **overrides})


def json_stored(result: TriageResult) -> dict[str, Any]:
    """The result as intake_submit stores it on a TriageOutcome row: tuples as lists."""
    return {
        field.name: list(value) if isinstance(value, tuple) else value
        for field in dataclasses.fields(result)
        for value in [getattr(result, field.name)]
    }

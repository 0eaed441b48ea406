"""Test data: valid intake bodies and intakes created through the real service."""

from typing import Any

from intake.models import Patient
from intake.services import intake_submit


def answers(**overrides: Any) -> dict[str, Any]:
    """A complete, valid answer set: a runner's knee, self-care."""
    base: dict[str, Any] = {
        "knee": "left",
        "pain_locations": ["under_kneecap"],
        "pain_triggers": ["running", "stairs"],
        "run_onset": "after_long_run",
        "eases_when_stopping": False,
        "injury_event": "none_gradual",
        "symptoms": [],
        "pain_now": 3,
        "pain_worst_week": 5,
        "duration_days": 5,
        "age": 34,
        "weekly_km": 30,
        "recent_increase": False,
        "shoe_km": 300,
        "running_specific_shoes": True,
        "surfaces": ["road"],
        "foot_rolls_inward": "no",
        "cadence_spm": 175,
        "red_flags": [],
    }
    base.update(overrides)
    return base


def patient(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "Alex Runner",
        "email": "alex@example.com",
        "phone": "+1 202 555 0143",
        "channel": "email",
        "timezone": "Europe/London",
        "consent_follow_up": True,
    }
    base.update(overrides)
    return base


def body(*, patient_overrides: dict | None = None, **answer_overrides: Any) -> dict[str, Any]:
    return {"patient": patient(**(patient_overrides or {})), "answers": answers(**answer_overrides)}


def make_intake(*, patient_overrides: dict | None = None, **answer_overrides: Any):
    return intake_submit(
        patient=patient(**(patient_overrides or {})), answers=answers(**answer_overrides)
    )


def patient_row(**overrides: Any) -> Patient:
    """A Patient row on its own, no intake: Sam, by SMS, in London, who consented."""
    fields: dict[str, Any] = {
        "name": "Sam Stride",
        "email": "sam@example.com",
        "phone": "+12025550143",
        "channel": "sms",
        "timezone": "Europe/London",
        "consent_follow_up": True,
    }
    fields.update(overrides)
    return Patient.objects.create(**fields)

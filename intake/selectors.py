"""Reads shared by the intake views and API: the token holder's intake, and what they see."""

from datetime import timedelta
from typing import Any

from clinic.links import BadLink, link_token_read
from intake import triage
from intake.links import RESULT_LINK_PURPOSE, intake_path, intake_token, intake_url
from intake.models import Intake, Urgency


def intake_get_by_token(token: str, *, max_age: timedelta | None = None) -> Intake:
    """The intake a patient's token opens, or BadLink / ExpiredLink. One query.

    `max_age` defaults to the patients' link lifetime (PATIENT_LINK_MAX_AGE).
    """
    intake_id = link_token_read(purpose=RESULT_LINK_PURPOSE, token=token, max_age=max_age)
    intake = intake_with_outcome(intake_id)
    if intake is None:
        raise BadLink
    return intake


def intake_with_outcome(intake_id: int) -> Intake | None:
    """The intake with its patient, outcome and follow-up joined, or None. One query."""
    return (
        Intake.objects.select_related("patient", "outcome", "follow_up")
        .filter(pk=intake_id)
        .first()
    )


def intake_links(intake: Intake, token: str | None = None) -> dict[str, str]:
    """Absolute links the patient (or a partner app) follows next. Extended by later parts."""
    token = token or intake_token(intake)
    pages = ["result", "advice_sheet"] + ([] if intake.urgency == Urgency.URGENT else ["book"])
    return {page: intake_url(intake, page, token=token) for page in pages}


def triage_public(intake: Intake) -> dict[str, Any]:
    """The triage as the patient may see it: for an urgent case, no pattern at all."""
    outcome = intake.outcome
    if outcome.urgency == Urgency.URGENT:
        return {
            "pattern": None,
            "secondary_patterns": [],
            "urgency": outcome.urgency,
            "red_flags": list(outcome.red_flags),
            "advice": [
                {
                    "id": "seek_urgent_care",
                    "text": triage.advice_text("seek_urgent_care", version=outcome.rules_version),
                }
            ],
            "factors": [],
            "matched_signs": {},
            "rules_version": outcome.rules_version,
        }
    return {
        "pattern": outcome.pattern,
        "secondary_patterns": list(outcome.secondary_patterns),
        "urgency": outcome.urgency,
        "red_flags": list(outcome.red_flags),
        # The words the outcome was given under its own rules version (never re-scored).
        "advice": [
            {"id": a, "text": triage.advice_text(a, version=outcome.rules_version)}
            for a in outcome.advice
        ],
        "factors": list(outcome.factors),
        "matched_signs": dict(outcome.matched_signs),
        "rules_version": outcome.rules_version,
    }


def intake_public_payload(intake: Intake, *, token: str | None = None) -> dict[str, Any]:
    """The API body for a patient's intake (`POST` and `GET /api/v1/intakes/…`)."""
    token = token or intake_token(intake)
    return {
        "id": intake.pk,
        "token": token,
        "triage": triage_public(intake),
        "links": intake_links(intake, token),
    }


def result_context(intake: Intake) -> dict[str, Any]:
    """What the result page shows, in plain words, from the stored outcome."""
    outcome = intake.outcome
    urgent = outcome.urgency == Urgency.URGENT
    token = intake_token(intake)
    context: dict[str, Any] = {
        "intake": intake,
        "token": token,
        "urgent": urgent,
        "urgency": outcome.urgency,
        "disclaimer": triage.DISCLAIMER,
        "warning_signs": [flag.question for flag in triage.RED_FLAGS.values()],
        "links": intake_links(intake, token),
        "actions": result_actions(intake, token),
    }
    if urgent:
        return context
    pattern = triage.PATTERNS.get(outcome.pattern)
    follow_up = getattr(intake, "follow_up", None)
    context.update(
        {
            "pattern_key": outcome.pattern,
            "pattern_name": pattern.name if pattern else "We can't tell the pattern yet",
            "pattern_what": pattern.what_it_is if pattern else "",
            "why": [triage.SIGNS[sign] for sign in outcome.matched_signs.get(outcome.pattern, [])],
            "secondary": [triage.PATTERNS[p].name for p in outcome.secondary_patterns],
            "advice": [
                {"id": a, "text": triage.advice_text(a, version=outcome.rules_version)}
                for a in outcome.advice
            ],
            "factors": [
                triage.factor_label(f, version=outcome.rules_version) for f in outcome.factors
            ],
            "follow_up": follow_up,
            "patient_zone": intake.patient.timezone,
        }
    )
    return context


def result_actions(intake: Intake, token: str | None = None) -> list[dict[str, str]]:
    """The buttons under the result, most important first (booking first for `assessment`)."""
    token = token or intake_token(intake)
    sheet = {
        "url": intake_path(intake, "advice_sheet", token=token),
        "label": "Download your advice sheet (PDF)",
        "id": "advice-sheet",
    }
    if intake.urgency == Urgency.URGENT:
        return [sheet]  # urgent: same-day care, never a booked appointment
    book = {
        "url": intake_path(intake, "book", token=token),
        "label": "Book your free second opinion",
        "id": "book",
    }
    actions: list[dict[str, str]] = []
    if intake.urgency == Urgency.ASSESSMENT:
        actions += [book, sheet]
    if intake.urgency == Urgency.SELF_CARE:
        actions += [sheet, {**book, "secondary": "1"}]  # booking offered, not pushed
    return actions

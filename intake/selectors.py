"""Reads shared by the intake views and API: the token holder's intake, and what they see."""

from datetime import timedelta
from typing import Any

from clinic.links import BadLink, ExpiredLink, link_token_open, link_token_read
from intake import triage
from intake.links import (
    BOOKING_LINK_PURPOSE,
    RESULT_LINK_PURPOSE,
    intake_path,
    intake_token,
    intake_url,
)
from intake.models import Intake, Urgency


def intake_get_by_token(token: str, *, max_age: timedelta | None = None) -> Intake:
    """The intake a patient's token opens, or BadLink / ExpiredLink. One query.

    `max_age` defaults to the patients' link lifetime (PATIENT_LINK_MAX_AGE).
    """
    intake_id = link_token_read(purpose=RESULT_LINK_PURPOSE, token=token, max_age=max_age)
    return _intake_or_bad_link(intake_id)


def _intake_or_bad_link(intake_id: int, *, for_booking: bool = False) -> Intake:
    related = ["patient", "outcome", "follow_up"]
    if for_booking:  # the booking pages ask whether the contact is confirmed (referrals)
        related.append("contact_verification")
    intake = Intake.objects.select_related(*related).filter(pk=intake_id).first()
    if intake is None:
        raise BadLink
    return intake


def intake_open_for_booking(token: str) -> tuple[Intake, int]:
    """The intake a booking page's token opens and when that link was first issued.

    A booking-only link, or the patient's full link (the result page echoes it into its
    booking button); BadLink / ExpiredLink otherwise.
    """
    try:
        intake_id, issued_at = link_token_open(purpose=BOOKING_LINK_PURPOSE, token=token)
    except ExpiredLink:
        raise
    except BadLink:
        intake_id, issued_at = link_token_open(purpose=RESULT_LINK_PURPOSE, token=token)
    return _intake_or_bad_link(intake_id, for_booking=True), issued_at


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


def result_context(intake: Intake, token: str | None = None) -> dict[str, Any]:
    """What the result page shows, in plain words, from the stored outcome.

    `token` is the one the page was opened with: every onward link echoes it (a fresh one
    would renew the patient's access at each visit)."""
    outcome = intake.outcome
    urgent = outcome.urgency == Urgency.URGENT
    token = token or intake_token(intake)
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

"""Reads shared by the intake views and API: the token holder's intake, and what they see."""

from datetime import timedelta
from typing import Any

from django.urls import Resolver404, resolve
from django.utils import translation

from clinic.links import BadLink, ExpiredLink, link_token_open, link_token_read
from intake.explain import outcome_explained, warning_signs
from intake.links import (
    BOOKING_LINK_PURPOSE,
    RESULT_LINK_PURPOSE,
    follow_up_id_from_token,
    intake_path,
    intake_token,
    intake_url,
)
from intake.models import FollowUp, Intake, Patient, Urgency


def intake_get_by_token(token: str, *, max_age: timedelta | None = None) -> Intake:
    """The intake a patient's token opens, or BadLink / ExpiredLink. One query.

    `max_age` defaults to the patients' link lifetime (PATIENT_LINK_MAX_AGE).
    """
    intake_id = link_token_read(purpose=RESULT_LINK_PURPOSE, token=token, max_age=max_age)
    return _intake_or_bad_link(intake_id)


def intake_with_outcome(intake_id: int, *, for_booking: bool = False) -> Intake | None:
    """The intake with its patient, outcome and follow-up joined, or None. One query."""
    related = ["patient", "outcome", "follow_up"]
    if for_booking:  # the booking pages ask whether the contact is confirmed (referrals)
        related.append("contact_verification")
    return Intake.objects.select_related(*related).filter(pk=intake_id).first()


def _intake_or_bad_link(intake_id: int, *, for_booking: bool = False) -> Intake:
    intake = intake_with_outcome(intake_id, for_booking=for_booking)
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


def intake_public_payload(intake: Intake, *, token: str | None = None) -> dict[str, Any]:
    """The API body for a patient's intake (`POST` and `GET /api/v1/intakes/…`), for
    IntakeOutputSerializer: `triage` is the outcome explained to the patient, in their
    language (`patient.language`)."""
    token = token or intake_token(intake)
    patient = intake.patient
    with translation.override(patient.language):  # the texts in the patient's language
        triage_explained = outcome_explained(intake.outcome, audience="patient")
    return {
        "id": intake.pk,
        "token": token,
        "patient": {"guardian": guardian_public(patient), "language": patient.language},
        "triage": triage_explained,
        "links": intake_links(intake, token),
    }


def guardian_public(patient: Patient) -> dict[str, Any] | None:
    """A child's parent or guardian as the API echoes it; None for an adult."""
    if not patient.has_guardian:
        return None
    return {
        "name": patient.guardian_name,
        "relationship": patient.guardian_relationship,
        "email": patient.guardian_email or None,
        "phone": patient.guardian_phone or None,
        "completed_by_guardian": patient.completed_by_guardian,
    }


def result_context(intake: Intake, token: str | None = None) -> dict[str, Any]:
    """What the result page shows, in plain words, from the stored outcome.

    `token` is the one the page was opened with: every onward link echoes it (a fresh one
    would renew the patient's access at each visit)."""
    explained = outcome_explained(intake.outcome, audience="patient")
    token = token or intake_token(intake)
    return {
        "intake": intake,
        "token": token,
        "urgent": explained.urgent,
        "urgency": explained.urgency,
        "explained": explained,
        "warning_groups": warning_signs(),  # not "warning_signs": the urgent page's list
        "links": intake_links(intake, token),
        "actions": result_actions(intake, token),
        "follow_up": intake.follow_up_or_none,
        "patient_zone": intake.patient.timezone,
    }


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


# --- The language switch ------------------------------------------------------------------

# Pages opened by a patient's link, by URL name, and how their token finds the patient.
_BY_RESULT_TOKEN = frozenset({"intake:result", "intake:advice_sheet"})
_BY_BOOKING_TOKEN = frozenset({"referrals:book", "referrals:verify", "referrals:book-confirm"})
_BY_FOLLOW_UP_TOKEN = frozenset({"followups:answer"})


def patient_for_path(path: str) -> Patient | None:
    """The patient whose link opens the page at `path`, or None (any other page, or a bad or
    expired link: the switch then sets only the browser's cookie)."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    token = match.kwargs.get("token")
    if not isinstance(token, str):
        return None
    try:
        if match.view_name in _BY_RESULT_TOKEN:
            return intake_get_by_token(token).patient
        if match.view_name in _BY_BOOKING_TOKEN:
            return intake_open_for_booking(token)[0].patient
        if match.view_name in _BY_FOLLOW_UP_TOKEN:
            follow_up = FollowUp.objects.select_related("intake__patient").filter(
                pk=follow_up_id_from_token(token)
            )
            found = follow_up.first()
            return found.intake.patient if found else None
    except (BadLink, ExpiredLink):
        return None
    return None

"""Reads shared by the intake views and API: the token holder's intake, and what they see."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.urls import Resolver404, resolve
from django.utils import timezone

from clinic import languages
from clinic.links import BadLink, ExpiredLink, link_token_open, link_token_read
from clinic.zones import when_text
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

# Appointment statuses (referrals.Appointment) that mean the episode is already in a
# clinician's hands: booked, or attended. Read by relation name: intake never imports
# referrals (the one-way rule), and these two values are part of that model's contract.
APPOINTMENT_IN_HAND_STATUSES = ("booked", "completed")


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
    with languages.override(patient.language):  # the texts in the patient's language
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


@dataclass(frozen=True)
class AppointmentInHand:
    """The episode's booked or attended appointment, as the patient's pages show it in place
    of an invitation to book: `upcoming` while it is still ahead (it can be moved or
    cancelled from its page), `when` in the patient's own clock."""

    starts_at: datetime
    upcoming: bool
    when: str


def appointment_in_hand(intake: Intake, *, now: datetime | None = None) -> AppointmentInHand | None:
    """The booked or attended appointment of this episode (the latest), or None. One query,
    by relation name (see APPOINTMENT_IN_HAND_STATUSES)."""
    row = (
        Intake.objects.filter(pk=intake.pk, appointments__status__in=APPOINTMENT_IN_HAND_STATUSES)
        .order_by("-appointments__starts_at")
        .values_list("appointments__starts_at", "appointments__status")
        .first()
    )
    if row is None:
        return None
    starts_at, status = row
    upcoming = status == "booked" and starts_at > (now or timezone.now())
    return AppointmentInHand(
        starts_at=starts_at, upcoming=upcoming, when=when_text(starts_at, intake.patient.timezone)
    )


def result_context(intake: Intake, token: str | None = None) -> dict[str, Any]:
    """What the result page shows, in plain words, from the stored outcome.

    `token` is the one the page was opened with: every onward link echoes it (a fresh one
    would renew the patient's access at each visit). A booked or attended appointment is
    shown (`appointment`, with `manage_url`: the booking page, which opens it) instead of
    the invitation to book."""
    explained = outcome_explained(intake.outcome, audience="patient")
    token = token or intake_token(intake)
    in_hand = appointment_in_hand(intake) if intake.urgency != Urgency.URGENT else None
    return {
        "appointment": in_hand,
        "manage_url": intake_path(intake, "book", token=token),
        "intake": intake,
        "token": token,
        "urgent": explained.urgent,
        "urgency": explained.urgency,
        "explained": explained,
        "warning_groups": warning_signs(),  # not "warning_signs": the urgent page's list
        "links": intake_links(intake, token),
        "actions": result_actions(intake, token, booked=in_hand is not None),
        "follow_up": intake.follow_up_or_none,
        "patient_zone": intake.patient.timezone,
    }


def result_actions(
    intake: Intake, token: str | None = None, *, booked: bool = False
) -> list[dict[str, str]]:
    """The buttons under the result, most important first (booking first for `assessment`);
    `booked`: the episode has its appointment, shown instead of "Book"."""
    token = token or intake_token(intake)
    sheet = {
        "url": intake_path(intake, "advice_sheet", token=token),
        "label": "Download your advice sheet (PDF)",
        "id": "advice-sheet",
    }
    if intake.urgency == Urgency.URGENT or booked:
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
# Not the sheet download: the stored sheet is already in the patient's language, and the
# lookup would double the cost of serving it (bench: cached fetch vs cold render).
_BY_RESULT_TOKEN = frozenset({"intake:result"})
_BY_BOOKING_TOKEN = frozenset({"referrals:book", "referrals:verify", "referrals:book-confirm"})
_BY_FOLLOW_UP_TOKEN = frozenset({"followups:answer"})


def patient_for_path(path: str, *, booking: bool = True) -> Patient | None:
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
        if booking and match.view_name in _BY_BOOKING_TOKEN:
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

"""The patient's links: signed tokens and the URLs of their pages (result, sheet, booking,
follow-up). Imports no other intake module but the models, so every one of them may use it."""

from django.conf import settings
from django.urls import reverse

from clinic.links import link_token_make, link_token_open, link_token_read
from intake.models import FollowUp, Intake

RESULT_LINK_PURPOSE = "intake"
# Opens the booking pages only (never the result, the sheet or the API): for links that leave
# the patient's screen (the sheet's QR code, "book again", messages offering a booking).
BOOKING_LINK_PURPOSE = "book"
FOLLOW_UP_LINK_PURPOSE = "follow_up"

# The patient's pages, each opened by the intake's token.
INTAKE_PAGES = {
    "result": "intake:result",
    "advice_sheet": "intake:advice_sheet",
    "book": "referrals:book",
}


def intake_token(intake: Intake) -> str:
    """The patient's signed access token for this intake (result, sheet, booking, API)."""
    return link_token_make(purpose=RESULT_LINK_PURPOSE, object_id=intake.pk)


def intake_path(intake: Intake, page: str, *, token: str | None = None) -> str:
    """The path of one of the patient's pages (INTAKE_PAGES); pass `token` if already made."""
    return reverse(INTAKE_PAGES[page], args=[token or intake_token(intake)])


def intake_url(intake: Intake, page: str, *, token: str | None = None) -> str:
    """The same page as an absolute link, for messages, sheets and the API."""
    return settings.SITE_URL + intake_path(intake, page, token=token)


def advice_sheet_url(intake: Intake) -> str:
    """The patient's link to their take-home PDF (in "your plan")."""
    return intake_url(intake, "advice_sheet")


def booking_token(intake: Intake, *, issued_at: int | None = None) -> str:
    """A booking-only token; `issued_at` when made from a link the patient already holds."""
    return link_token_make(purpose=BOOKING_LINK_PURPOSE, object_id=intake.pk, issued_at=issued_at)


def booking_path(intake: Intake, *, issued_at: int | None = None) -> str:
    """The booking page behind a booking-only link (it opens nothing else)."""
    return intake_path(intake, "book", token=booking_token(intake, issued_at=issued_at))


def booking_url(intake: Intake, *, issued_at: int | None = None) -> str:
    """The patient's booking-only link to book the free second opinion (the sheet's QR code,
    messages, "book again")."""
    return settings.SITE_URL + booking_path(intake, issued_at=issued_at)


def follow_up_token(follow_up: FollowUp) -> str:
    return link_token_make(purpose=FOLLOW_UP_LINK_PURPOSE, object_id=follow_up.pk)


def follow_up_id_from_token(token: str) -> int:
    """The follow-up a token opens, or BadLink / ExpiredLink."""
    return link_token_read(
        purpose=FOLLOW_UP_LINK_PURPOSE, token=token, max_age=settings.FOLLOW_UP_LINK_MAX_AGE
    )


def follow_up_issued_at(token: str) -> int:
    """When the follow-up link `token` was issued: links made from its page expire with it."""
    return link_token_open(
        purpose=FOLLOW_UP_LINK_PURPOSE, token=token, max_age=settings.FOLLOW_UP_LINK_MAX_AGE
    )[1]


def follow_up_page_url(follow_up: FollowUp) -> str:
    return settings.SITE_URL + reverse("followups:answer", args=[follow_up_token(follow_up)])


def follow_up_answer_url(follow_up: FollowUp, answer: str, *, page_url: str = "") -> str:
    """The one-tap link for `answer`; pass `page_url` when it is already made."""
    return f"{page_url or follow_up_page_url(follow_up)}?answer={answer}"

"""The patient's links: signed tokens and the URLs of their pages (result, sheet, booking,
follow-up). Imports no other intake module but the models, so every one of them may use it."""

import time

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from clinic.links import BadLink, ExpiredLink, link_token_make, link_token_open, link_token_read
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


# --- The sheet's short booking link: /b/<code>, typed by hand or read aloud -----------------
#
# The code is signed, not stored: the intake id, the day the link was issued and a 50-bit
# HMAC, in Crockford's base 32 (no I, L, O or U; typed I/L read as 1 and O as 0, any case,
# hyphens optional), grouped by four. `/b/<code>` redirects to the booking-only link with
# the same issue time, so it opens the booking pages only and expires with the sheet's link
# (counted from the start of its UTC day, so at most a day early, never late).

SHORT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SHORT_READ = str.maketrans("ILO", "110")
SHORT_DAY_ZERO = 18262  # 2020-01-01 in days since 1970: three characters last until 2109
SHORT_DAY_CHARS = 3
SHORT_MAC_CHARS = 10  # 50 bits
SHORT_CODE_MAX = 24  # what the URL accepts before any work is done


def _b32(value: int, width: int = 1) -> str:
    chars: list[str] = []
    while value or len(chars) < width:
        value, digit = divmod(value, 32)
        chars.append(SHORT_ALPHABET[digit])
    return "".join(reversed(chars))


def _b32_read(text: str) -> int:
    value = 0
    for char in text:
        value = value * 32 + SHORT_ALPHABET.index(char)
    return value


def _short_mac(intake_id: int, day: int) -> str:
    digest = salted_hmac("stride.links.short_book", f"{intake_id}:{day}", algorithm="sha256")
    bits = int.from_bytes(digest.digest()[:8], "big") >> (64 - 5 * SHORT_MAC_CHARS)
    return _b32(bits, SHORT_MAC_CHARS)


def short_booking_code(intake: Intake, *, issued_at: int | None = None) -> str:
    """`1B4K-0AHM-3QX7-P9D2`: the intake, the day issued, and the signature."""
    day = int(issued_at if issued_at is not None else time.time()) // 86400 - SHORT_DAY_ZERO
    raw = _b32(intake.pk) + _b32(day, SHORT_DAY_CHARS) + _short_mac(intake.pk, day)
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def short_booking_open(code: str) -> tuple[int, int]:
    """The intake id and issue time (Unix seconds) of a short code, or BadLink /
    ExpiredLink, like every patient link."""
    raw = code.replace("-", "").replace(" ", "").upper().translate(_SHORT_READ)
    if not 1 + SHORT_DAY_CHARS + SHORT_MAC_CHARS <= len(raw) <= SHORT_CODE_MAX:
        raise BadLink
    if any(char not in SHORT_ALPHABET for char in raw):
        raise BadLink
    mac = raw[-SHORT_MAC_CHARS:]
    day = _b32_read(raw[-SHORT_MAC_CHARS - SHORT_DAY_CHARS : -SHORT_MAC_CHARS])
    intake_id = _b32_read(raw[: -SHORT_MAC_CHARS - SHORT_DAY_CHARS])
    if not constant_time_compare(mac, _short_mac(intake_id, day)):
        raise BadLink
    issued_at = (SHORT_DAY_ZERO + day) * 86400
    if time.time() - issued_at > settings.PATIENT_LINK_MAX_AGE.total_seconds():
        raise ExpiredLink
    return intake_id, issued_at


def short_booking_path_open(code: str) -> str:
    """Where `/b/<code>` goes: the booking-only link, expiring when the code does."""
    intake_id, issued_at = short_booking_open(code)
    token = link_token_make(purpose=BOOKING_LINK_PURPOSE, object_id=intake_id, issued_at=issued_at)
    return reverse(INTAKE_PAGES["book"], args=[token])


def short_booking_url(intake: Intake, *, issued_at: int | None = None) -> str:
    """The sheet's typed link: `https://clinic.example/b/1B4K-0AHM-3QX7-P9D2`."""
    code = short_booking_code(intake, issued_at=issued_at)
    return settings.SITE_URL + reverse("booking_short", args=[code])


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

"""The advice sheet's second page is never nearly empty, and its typed booking link is short
(issue 14 item 8): `/b/<code>`, readable aloud, standing for the booking-only link that the
QR code still carries."""

import time
from datetime import timedelta

import pytest
from django.conf import settings

from clinic.links import link_token_open
from intake import advice
from intake.links import (
    BOOKING_LINK_PURPOSE,
    RESULT_LINK_PURPOSE,
    intake_token,
    short_booking_code,
    short_booking_open,
    short_booking_url,
)
from tests.support import factories
from tests.support.advice import ALL_FACTORS, PATTERN_ANSWERS, pdf_page_fill, pdf_squashed

pytestmark = pytest.mark.django_db

# A last page filled less than this far down is "nearly empty".
LAST_PAGE_MIN_FILL = 0.35
PAPER = {"A4": "", "Letter": "<style>@page { size: letter; }</style>"}


def _sheet(outcome, paper: str) -> bytes:
    html = advice.advice_sheet_html(outcome).replace("</head>", PAPER[paper] + "</head>", 1)
    return advice.html_to_pdf(html, url_fetcher=advice.StaticOnlyFetcher())


@pytest.mark.parametrize("paper", list(PAPER))
@pytest.mark.parametrize("factors", [False, True], ids=["plain", "all-factors"])
@pytest.mark.parametrize("pattern", list(PATTERN_ANSWERS))
def test_no_sheet_has_a_nearly_empty_last_page_on_a4_or_letter(pattern, factors, paper):
    answers = {**PATTERN_ANSWERS[pattern], **(ALL_FACTORS if factors else {})}
    intake = factories.make_intake(**answers)
    fills = pdf_page_fill(_sheet(intake.outcome, paper))
    assert len(fills) <= 2, fills
    assert len(fills) == 1 or fills[-1] >= LAST_PAGE_MIN_FILL, fills


def test_the_fill_measure_sees_a_nearly_empty_page():
    # The measure itself: a sheet forced onto a new page before its last section.
    intake = factories.make_intake()
    html = advice.advice_sheet_html(intake.outcome).replace(
        '<section class="next"', '<section class="next" style="break-before: page"', 1
    )
    fills = pdf_page_fill(advice.html_to_pdf(html, url_fetcher=advice.StaticOnlyFetcher()))
    assert fills[-1] < LAST_PAGE_MIN_FILL


def test_the_typed_link_is_short_and_the_qr_code_keeps_the_booking_only_link():
    intake = factories.make_intake()
    context = advice.advice_sheet_context(intake.outcome)
    short = context["booking_short_url"]
    path = short.removeprefix(settings.SITE_URL)
    assert path.startswith("/b/") and len(path) <= 30, path
    assert context["booking_short_text"] == short.removeprefix("http://")
    assert link_token_open(
        purpose=BOOKING_LINK_PURPOSE, token=context["booking_url"].split("/book/")[1].strip("/")
    )[0] == (intake.pk)
    text = pdf_squashed(advice.advice_sheet_pdf(intake.outcome))
    assert context["booking_short_text"] in text
    assert "/book/" not in text  # no long token to type


def test_a_short_code_reads_back_however_it_is_typed():
    intake = factories.make_intake()
    code = short_booking_code(intake)
    assert all(part and len(part) <= 4 for part in code.split("-"))
    assert set(code) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ-")
    typed = code.replace("-", "").lower().replace("0", "o").replace("1", "l")
    assert short_booking_open(typed)[0] == short_booking_open(code)[0] == intake.pk


def test_the_short_link_opens_the_booking_only_link_expiring_with_it(client):
    intake = factories.make_intake()
    url = short_booking_url(intake)
    response = client.get(url.removeprefix(settings.SITE_URL))
    assert response.status_code == 302
    token = response["Location"].removeprefix("/book/").removesuffix("/")
    intake_id, issued_at = link_token_open(purpose=BOOKING_LINK_PURPOSE, token=token)
    assert intake_id == intake.pk
    assert issued_at == int(time.time()) // 86400 * 86400  # the code's day, from its start
    with pytest.raises(Exception):  # booking-only: it never opens the result
        link_token_open(purpose=RESULT_LINK_PURPOSE, token=token)
    assert client.get(response["Location"]).status_code in (200, 302)  # the booking pages
    # With or without a trailing slash, as typed.
    assert client.get(url.removeprefix(settings.SITE_URL) + "/").status_code == 302


def test_a_tampered_or_malformed_short_code_is_a_bad_link(client):
    intake = factories.make_intake()
    code = short_booking_code(intake)
    last = code[-1]
    tampered = code[:-1] + ("0" if last != "0" else "1")
    other = short_booking_code(factories.make_intake(), issued_at=int(time.time()))
    spliced = other.split("-")[0] + code[len(other.split("-")[0]) :]
    for bad in (tampered, spliced, "ABCD", "A" * 30, "ABCD-EFGH-!!"):
        response = client.get(f"/b/{bad}")
        assert response.status_code == 404, bad
    assert intake_token(intake) not in client.get(f"/b/{tampered}").content.decode()


def test_an_old_short_link_has_expired_like_every_patient_link(client):
    intake = factories.make_intake()
    long_ago = time.time() - (settings.PATIENT_LINK_MAX_AGE + timedelta(days=2)).total_seconds()
    code = short_booking_code(intake, issued_at=int(long_ago))
    assert client.get(f"/b/{code}").status_code == 410

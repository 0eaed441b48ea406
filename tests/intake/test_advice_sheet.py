"""The advice sheet read back from the PDF: every outcome's content, length, accessibility."""

import io
import re
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from intake import advice, triage
from intake.explain import ADVICE_HEADINGS
from intake.links import short_booking_open
from intake.services import intake_submit
from tests.support import factories
from tests.support.advice import (
    ALL_FACTORS,
    PATTERN_ANSWERS,
    pdf_pages,
    pdf_squashed,
    squash,
)

pytestmark = pytest.mark.django_db

SUBMITTED = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)
SELF_CARE_ADVICE = [a for a in triage.ADVICE if a != "seek_urgent_care"]


def submit(*, patient_overrides=None, **answers):
    return intake_submit(
        patient=factories.patient(**(patient_overrides or {})),
        answers=factories.answers(**answers),
        now=SUBMITTED,
    )


def booking_link_intake(pdf: bytes) -> int:
    """The intake the sheet's typed booking link opens (issue 14 item 8: a short `/b/<code>`
    link, printed without its scheme; it stands for the booking-only link)."""
    match = re.search(r"testserver/b/([0-9A-Z-]+)\s", "\n".join(pdf_pages(pdf)) + "\n")
    assert match, "booking link not printed"
    return short_booking_open(match.group(1))[0]


@pytest.mark.parametrize("pattern", list(PATTERN_ANSWERS))
def test_each_pattern_prints_its_whole_plan_disclaimer_follow_up_and_booking_link(pattern):
    intake = submit(**PATTERN_ANSWERS[pattern])
    outcome = intake.outcome
    assert outcome.pattern == pattern
    pdf = advice.advice_sheet_pdf(outcome)
    text = pdf_squashed(pdf)

    assert squash(triage.PATTERNS[pattern].name) in text
    assert squash(triage.PATTERNS[pattern].what_it_is) in text
    for advice_id in outcome.advice:
        assert squash(triage.ADVICE[advice_id]) in text, advice_id
    for sign in outcome.matched_signs.get(pattern, []):
        assert squash(triage.SIGNS[sign]) in text, sign
    assert squash(triage.DISCLAIMER) in text
    # The warning signs as statements, each route's text after its signs.
    for flag in triage.RED_FLAGS.values():
        assert squash(flag.statement) in text
        assert squash(flag.question) not in text
    for route in triage.CARE_ROUTES:
        route_text = triage.route_text(
            route, emergency_number="911", clinic_phone="+1 555 010 0199"
        )
        assert squash(route_text) in text
    # The follow-up is due 2 December 13:00 UTC: in London that is still the 2nd.
    assert squash("Wednesday 2 December 2026") in text
    assert booking_link_intake(pdf) == intake.pk
    assert squash("Stride Sports Medicine Clinic") in text
    assert squash("12 Riverside Way, Springfield") in text
    assert squash("+1 555 010 0199") in text
    assert "Alex" in text
    assert squash("Wednesday 25 November 2026") in text
    assert squash("Page 1 of") in text
    assert len(pdf_pages(pdf)) <= 2


@pytest.mark.parametrize("pattern", list(PATTERN_ANSWERS))
def test_the_longest_plan_of_each_pattern_still_fits_two_pages(pattern):
    long_name = "Maximiliana-Alexandrina-" * 8
    intake = submit(
        patient_overrides={"name": long_name + " Runner"},
        **{**PATTERN_ANSWERS[pattern], **ALL_FACTORS},
    )
    outcome = intake.outcome
    assert outcome.pattern == pattern
    assert set(outcome.factors) == set(triage.FACTORS)
    pdf = advice.advice_sheet_pdf(outcome)
    text = pdf_squashed(pdf)
    assert len(pdf_pages(pdf)) <= 2
    for advice_id in outcome.advice:
        assert squash(triage.ADVICE[advice_id]) in text, advice_id
    for factor in triage.FACTORS.values():
        assert squash(factor.label) in text
    assert squash(triage.DISCLAIMER) in text


def test_the_urgent_sheet_is_one_page_with_the_route_warning_signs_and_no_self_care():
    intake = submit(red_flags=["calf_swelling_pain"], **ALL_FACTORS)
    pdf = advice.advice_sheet_pdf(intake.outcome)
    pages = pdf_pages(pdf)
    text = pdf_squashed(pdf)
    assert len(pages) == 1
    assert squash(triage.ADVICE["seek_urgent_care"]) in text
    assert squash("Please seek medical care today") in text
    # The route of the sign given (section 2), the breathlessness line, the clinic's number.
    assert (
        squash(
            triage.route_text("same_day", emergency_number="911", clinic_phone="+1 555 010 0199")
        )
        in text
    )
    assert squash(triage.breathlessness_text(emergency_number="911")) in text
    assert squash("The clinic: +1 555 010 0199") in text
    for flag in triage.RED_FLAGS.values():  # warning signs as statements
        assert squash(flag.statement) in text
    assert squash(triage.DISCLAIMER) in text
    for advice_id in SELF_CARE_ADVICE:
        assert squash(triage.ADVICE[advice_id]) not in text, advice_id
    # Nothing else: no pattern (kept for clinicians only), no plan, no booking, no check-in.
    assert squash(triage.PATTERNS["runners_knee"].name) not in text
    assert "self-care" not in text.lower()
    assert "/book/" not in text and "/b/" not in text
    assert "checkin" not in text.lower()


def test_without_consent_there_is_no_check_in_date_but_the_booking_link_stays():
    intake = submit(patient_overrides={"consent_follow_up": False})
    pdf = advice.advice_sheet_pdf(intake.outcome)
    text = pdf_squashed(pdf)
    assert "December" not in text
    assert squash("If your knee pain lasts longer than a week or so, book an assessment.") in text
    assert booking_link_intake(pdf) == intake.pk


def test_dates_are_printed_in_the_patients_own_time_zone():
    # 13:00 UTC on 25 November is 02:00 on the 26th in Auckland; the check-in is on 3 December.
    intake = submit(patient_overrides={"timezone": "Pacific/Auckland"})
    text = pdf_squashed(advice.advice_sheet_pdf(intake.outcome))
    assert squash("Thursday 26 November 2026") in text
    assert squash("Thursday 3 December 2026") in text
    assert squash("(New Zealand Time)") in text
    assert advice.advice_sheet_filename(intake.outcome) == "knee-plan-2026-11-26.pdf"


def test_the_patients_name_is_printed_as_text_never_as_markup():
    hostile = "<img/src=file:///etc/passwd>"
    intake = submit(patient_overrides={"name": f"{hostile} Runner"})
    fetched: list[str] = []

    class SpyFetcher(advice.StaticOnlyFetcher):
        def fetch(self, url, headers=None):
            fetched.append(url)
            return super().fetch(url, headers)

    html = advice.advice_sheet_html(intake.outcome)
    assert hostile not in html
    pdf = advice.html_to_pdf(html, url_fetcher=SpyFetcher())
    assert hostile in " ".join(pdf_pages(pdf))
    assert fetched == [
        advice.static_base_url() + "advice/sheet.css",
        advice.static_base_url() + "advice/paper-a4.css",
    ]


def test_the_pdf_is_tagged_pdf_ua_with_title_language_and_author():
    intake = submit()
    reader = PdfReader(io.BytesIO(advice.advice_sheet_pdf(intake.outcome)))
    root = reader.trailer["/Root"]
    assert reader.metadata.title == "Your knee plan, 25 November 2026"
    assert reader.metadata.author == "Stride Sports Medicine Clinic"
    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in xmp and b"1" in xmp
    # Real text, not a picture of it: the plan can be read back out of the page.
    assert squash(triage.ADVICE["ice_15"]) in pdf_squashed(advice.advice_sheet_pdf(intake.outcome))


def test_every_advice_item_has_a_checklist_heading():
    # Every version's ids: an outcome keeps the advice (and the heading) it was given.
    every_id = {a for texts in triage.ADVICE_BY_VERSION.values() for a in texts}
    assert set(triage.ADVICE) <= every_id
    assert set(ADVICE_HEADINGS) == every_id


def test_the_urgent_sheet_leads_with_go_now_on_the_emergency_route():
    intake = submit(red_flags=["numb_cold_foot"])
    text = pdf_squashed(advice.advice_sheet_pdf(intake.outcome))
    assert squash("Go now: do not wait for a call from us") in text
    assert squash("Go to an emergency department now, or call 911. Do not drive yourself.") in text
    assert squash(triage.red_flag_statement("numb_cold_foot")) in text

"""After booking (issue 14, item 5): one confirmation heading, the visit's length, what to
bring, the address with a map link, "Reschedule" and "Cancel" as equal buttons, calendar
links beside the `.ics`; and a booked patient sees that booking wherever an invitation to
book would be."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, quote_plus, urlsplit

import pytest

from clinic import zones
from intake import advice
from intake.links import booking_token, follow_up_answer_url, intake_token
from intake.models import FollowUp
from intake.selectors import when_text as intake_when_text
from referrals import after_booking, services
from referrals.models import Appointment
from referrals.selectors import appointment_token
from referrals.selectors import when_text as referrals_when_text
from tests.support import factories
from tests.support.advice import PATTERN_ANSWERS, pdf_squashed, squash
from tests.support.booking import open_slots, verify_contact

pytestmark = pytest.mark.django_db
INVITATION = "Book your free second opinion"
WHEN = "Tuesday 1 December 2026, 4:30 pm (UK time)"  # open_slots()[1]


def _book(client, intake) -> tuple[Appointment, str]:
    """Book the second open slot through the pages; the appointment and its page's HTML."""
    slot = open_slots()[1]
    response = client.post(f"/book/{intake_token(intake)}/confirm/", {"slot": slot.pk}, follow=True)
    assert response.status_code == 200
    return Appointment.objects.get(intake=intake), response.content.decode()


def _links(html: str) -> dict[str, str]:
    """Each link's text → its href (unescaped)."""
    return {
        re.sub(r"<[^>]+>", "", text).strip(): unescape(href)
        for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', html)
    }


def test_the_booked_page_confirms_once_and_says_how_long_what_to_bring_and_where(
    client, clinician, intake
):
    _, html = _book(client, intake)
    assert html.count("<h1") == 1
    assert re.search(r"<h1>\s*Your appointment is booked\s*</h1>", html)
    assert html.count("Your appointment is booked") == 1  # no second "booked" notice
    status = re.search(r'<div class="confirmation" role="status">(.*?)</div>', html, re.S)
    assert status and "We've sent you a confirmation." in unescape(status.group(1))
    assert WHEN in html
    assert "About 30 minutes" in html
    for thing in after_booking.WHAT_TO_BRING:
        assert f"<li>{thing}</li>" in html
    assert "12 Riverside Way, Springfield" in html
    links = _links(html)
    map_url = "https://www.openstreetmap.org/search?query=" + quote_plus(
        "12 Riverside Way, Springfield"
    )
    assert links["Open the address in a map"] == map_url


def test_reschedule_and_cancel_are_equal_buttons_beside_each_other(client, clinician, intake):
    _, html = _book(client, intake)
    pair = re.search(r'<nav class="actions actions--pair"[^>]*>(.*?)</nav>', html, re.S)
    assert pair
    buttons = re.findall(r'<a class="([^"]+)" href="[^"]+">([^<]+)</a>', pair.group(1))
    assert [label for _, label in buttons] == ["Reschedule", "Cancel"]
    assert buttons[0][0] == buttons[1][0] == "button button--secondary"


def test_the_calendar_links_carry_the_utc_times_and_only_the_appointment_link(
    client, clinician, intake
):
    _, html = _book(client, intake)
    links = _links(html)
    page_token = re.search(r"/book/appointment/([^/]+)/cancel/", html).group(1)
    google = urlsplit(links["Add to Google Calendar"])
    assert (google.scheme, google.netloc, google.path) == (
        "https",
        "calendar.google.com",
        "/calendar/render",
    )
    g = {k: v[0] for k, v in parse_qs(google.query).items()}
    assert g["action"] == "TEMPLATE"
    assert g["dates"] == "20261201T163000Z/20261201T170000Z"  # 4:30 pm in London is 16:30 UTC
    assert g["text"] == "Free second opinion with Dr. Maya Rivera"
    assert g["location"] == "Stride Sports Medicine Clinic, 12 Riverside Way, Springfield"
    outlook = urlsplit(links["Add to Outlook"])
    assert (outlook.netloc, outlook.path) == (
        "outlook.live.com",
        "/calendar/0/deeplink/compose",
    )
    o = {k: v[0] for k, v in parse_qs(outlook.query).items()}
    assert (o["startdt"], o["enddt"]) == ("2026-12-01T16:30:00Z", "2026-12-01T17:00:00Z")
    assert o["subject"] == g["text"] and o["location"] == g["location"]
    assert o["body"] == g["details"]
    # The only link in the event: the appointment-only page this page was opened with.
    assert re.findall(r"https?://\S+", g["details"]) == [
        f"http://testserver/book/appointment/{page_token}/"
    ]
    for secret in (intake_token(intake), booking_token(intake), "/intake/r/"):
        assert secret not in links["Add to Google Calendar"]
        assert secret not in links["Add to Outlook"]
    assert links["Add to my calendar (.ics file)"].endswith("/calendar.ics")


def test_the_visit_length_comes_from_the_appointment_and_the_map_link_from_the_setting(
    client, clinician, intake, settings
):
    settings.CLINIC_MAP_URL = "https://maps.example/clinic?q=stride"
    appointment, _ = _book(client, intake)
    Appointment.objects.filter(pk=appointment.pk).update(
        ends_at=appointment.starts_at + timedelta(minutes=75)
    )
    html = client.get(f"/book/appointment/{appointment_token(appointment)}/").content.decode()
    assert "About 1 hour 15 minutes" in html
    assert _links(html)["Open the address in a map"] == "https://maps.example/clinic?q=stride"
    # Just opened, not just booked: the heading alone, nothing announced.
    assert 'role="status"' not in html


def test_the_confirm_page_says_how_long_and_where_before_booking(client, clinician, intake):
    slot = open_slots()[1]
    html = client.get(f"/book/{intake_token(intake)}/confirm/?slot={slot.pk}").content.decode()
    assert html.count("<h1") == 1 and "Confirm your appointment" in html
    assert "About 30 minutes" in html and "Open the address in a map" in html


def test_a_move_is_confirmed_under_its_own_heading(client, clinician, intake):
    appointment, _ = _book(client, intake)
    here = f"/book/appointment/{appointment_token(appointment)}/reschedule/"
    response = client.post(here, {"slot": open_slots()[2].pk}, follow=True)
    html = response.content.decode()
    assert re.search(r"<h1>\s*Your appointment has moved\s*</h1>", html)
    assert html.count("<h1") == 1
    assert "We&#x27;ve sent you the new details." in html


def test_intake_and_booking_word_an_appointment_time_with_one_function():
    """The result page, the sheet and booking all say a time as clinic.zones.when_text does."""
    assert intake_when_text is zones.when_text and referrals_when_text is zones.when_text
    moment = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)
    assert zones.when_text(moment, "Europe/London") == "Tuesday 1 December 2026, 4:30 pm (UK time)"


# --- Booked: shown wherever an invitation to book would be ---------------------------------


def test_the_result_page_shows_the_booking_instead_of_the_invitation(client, clinician, intake):
    _book(client, intake)
    html = client.get(f"/intake/r/{intake_token(intake)}/").content.decode()
    assert INVITATION not in html
    assert 'id="action-book"' not in html
    assert "Your free second opinion is booked" in html and WHEN in html
    manage = _links(html)["See, move or cancel your appointment"]
    opened = client.get(manage)
    assert opened.status_code == 302 and opened.url.startswith("/book/appointment/")


def test_the_booking_and_confirm_pages_open_the_booking_instead(client, clinician, intake):
    _book(client, intake)
    token = intake_token(intake)
    for path in (f"/book/{token}/", f"/book/{token}/confirm/?slot={open_slots()[0].pk}"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith("/book/appointment/"), path


def test_an_attended_appointment_is_not_offered_again(client, clinician, intake):
    appointment, _ = _book(client, intake)
    Appointment.objects.filter(pk=appointment.pk).update(status=Appointment.Status.COMPLETED)
    html = client.get(f"/intake/r/{intake_token(intake)}/").content.decode()
    assert INVITATION not in html
    assert "You have had your free second opinion" in html


def test_a_cancelled_appointment_brings_the_invitation_back(client, clinician, intake):
    appointment, _ = _book(client, intake)
    services.appointment_cancel(appointment=appointment)
    html = client.get(f"/intake/r/{intake_token(intake)}/").content.decode()
    assert 'id="action-book"' in html
    assert "Your free second opinion is booked" not in html


def _answered(client, intake, answer: str, **fields) -> str:
    follow_up = intake.follow_up
    FollowUp.objects.filter(pk=follow_up.pk).update(status=FollowUp.Status.SENT)
    path = follow_up_answer_url(follow_up, answer).removeprefix("http://testserver")
    response = client.post(path.split("?")[0], {"answer": answer, **fields})
    assert response.status_code == 200
    return response.content.decode()


def test_a_not_improving_answer_shows_the_booking_not_an_invitation(client, clinician, intake):
    _book(client, intake)
    html = _answered(client, intake, "same")
    assert INVITATION not in html
    assert "Your free second opinion is booked" in html and WHEN in html


@pytest.fixture
def exam_plan_intake(clock):
    """No clear pattern: the exam plan, whose encouragement offers booking (section 6)."""
    made = factories.make_intake(**PATTERN_ANSWERS["unclear"])
    assert "assessment_needed" in made.outcome.advice
    verify_contact(made)
    return made


def test_an_improving_answer_after_the_exam_plan_shows_the_booking(
    client, clinician, exam_plan_intake
):
    _book(client, exam_plan_intake)
    html = _answered(client, exam_plan_intake, "better", pain_now="0")
    assert "Great news" in html
    assert "Book your free appointment" not in html
    assert "Your free second opinion is booked" in html


def test_the_same_answer_without_a_booking_still_invites(client, clinician, exam_plan_intake):
    html = _answered(client, exam_plan_intake, "better", pain_now="0")
    assert "Book your free appointment" in html


def test_a_sheet_rendered_after_booking_shows_the_booking(client, clinician, intake):
    _book(client, intake)
    text = pdf_squashed(advice.advice_sheet_pdf(intake.outcome))
    assert squash("Your free second opinion is booked: " + WHEN) in text
    assert squash(INVITATION) not in text
    # Its links still lead there: the booking link opens the appointment.
    assert squash("testserver/b/") in text


def test_another_clinicians_patient_is_still_invited(client, clinician, intake, outsider):
    _book(client, intake)
    html = client.get(f"/intake/r/{intake_token(outsider)}/").content.decode()
    assert 'id="action-book"' in html

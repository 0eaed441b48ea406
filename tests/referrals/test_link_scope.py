"""Links scoped to what they open (issue 13 #5), and a patient link that keeps its issue time
(#6): the appointment pages and the .ics carry appointment-only links; "book again", the
sheet's QR code and the messages' booking links carry booking-only links; pages echo the token
they were opened with, so PATIENT_LINK_MAX_AGE_DAYS is an absolute limit."""

import re
from datetime import timedelta

import pytest
import time_machine

from intake.advice import advice_sheet_context
from intake.links import booking_url, intake_token
from referrals import services
from referrals.selectors import appointment_token
from tests.support.booking import NOW, open_slots

pytestmark = pytest.mark.django_db


def _token_of(url: str, prefix: str) -> str:
    match = re.search(re.escape(prefix) + r"([^/\"?]+)/", url)
    assert match, url
    return match.group(1)


def _opens_nothing_but_booking(client, token: str) -> None:
    assert client.get(f"/intake/r/{token}/").status_code == 404
    assert client.get(f"/intake/r/{token}/advice.pdf").status_code == 404
    assert client.get(f"/api/v1/intakes/{token}/").status_code == 404
    assert client.get(f"/book/appointment/{token}/").status_code == 404


@pytest.fixture
def appointment(clinician, intake):
    return services.appointment_book(intake=intake, slot_id=open_slots()[0].pk)


def test_book_again_on_the_appointment_page_is_a_booking_only_link(client, appointment):
    services.appointment_cancel(appointment=appointment)
    page = client.get(f"/book/appointment/{appointment_token(appointment)}/").content.decode()
    token = _token_of(page.split("Book again")[0].rsplit("href=", 1)[1], "/book/")
    assert token != intake_token(appointment.intake)
    assert client.get(f"/book/{token}/").status_code == 200
    _opens_nothing_but_booking(client, token)


def test_the_cancellation_messages_book_again_link_is_booking_only(client, appointment):
    from clinic.messaging.models import Message

    services.appointment_cancel(appointment=appointment)
    bodies = " ".join(m.body_text for m in Message.objects.all())
    tokens = set(re.findall(r"/book/(?!appointment/)([^/\s\"]+)/", bodies))
    assert tokens
    for token in tokens:
        assert client.get(f"/book/{token}/").status_code == 200
        _opens_nothing_but_booking(client, token)


def test_the_sheets_qr_code_and_booking_links_are_booking_only(client, clinician, intake):
    link = advice_sheet_context(intake.outcome)["booking_url"]
    token = _token_of(link, "/book/")
    assert client.get(f"/book/{token}/").status_code == 200
    _opens_nothing_but_booking(client, token)
    _opens_nothing_but_booking(client, _token_of(booking_url(intake), "/book/"))


def test_the_appointment_page_and_ics_carry_only_appointment_links(client, appointment):
    token = appointment_token(appointment)
    page = client.get(f"/book/appointment/{token}/").content.decode()
    ics = client.get(f"/book/appointment/{token}/calendar.ics").content.decode()
    assert intake_token(appointment.intake) not in page + ics
    for found in re.findall(r"/book/appointment/([^/\s\"]+)/", ics):
        _opens_nothing_but_booking(client, found)
        assert client.get(f"/book/{found}/").status_code == 404


def test_the_result_page_echoes_its_token_into_every_onward_link(client, intake, clock):
    token = intake_token(intake)
    clock.shift(timedelta(days=30))
    html = client.get(f"/intake/r/{token}/").content.decode()
    onward = set(re.findall(r'href="/(?:intake/r|book)/([^/"]+)/', html))
    assert onward == {token}


def test_a_links_lifetime_counts_from_its_first_issue_not_from_the_last_page(
    client, appointment, settings
):
    """Hop from page to page just before expiry: every onward link expires with the first."""
    max_age = settings.PATIENT_LINK_MAX_AGE
    start = appointment_token(appointment)
    services.appointment_cancel(appointment=appointment)  # the page then offers "book again"
    with time_machine.travel(NOW + max_age - timedelta(days=1), tick=False):
        page = client.get(f"/book/appointment/{start}/").content.decode()
        onward = re.findall(r'href="(?:http://testserver)?(/book/[^"]+)"', page)
        assert onward
    with time_machine.travel(NOW + max_age + timedelta(days=1), tick=False):
        for url in onward:
            assert client.get(url).status_code == 410, url


def test_the_api_echoes_the_token_it_was_read_with(client, intake, clock):
    token = intake_token(intake)
    clock.shift(timedelta(days=30))
    body = client.get(f"/api/v1/intakes/{token}/").json()
    assert body["token"] == token
    assert all(token in url for url in body["links"].values())

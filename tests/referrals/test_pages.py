"""The patient's booking pages: the result page's button, picking a time in their own zone,
confirming, and links that stay true after a move or a cancellation."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from intake.links import intake_token
from intake.selectors import intake_open_for_booking
from referrals import services
from referrals.models import Appointment
from referrals.selectors import appointment_get_by_token, appointment_token
from tests.support import factories
from tests.support.booking import (
    NOW,
    make_clinician,
    open_slots,
    picker_current_day,
    picker_days,
    picker_slots,
    verify_contact,
)

pytestmark = pytest.mark.django_db
BUTTON = "Book your free second opinion"


def result_page(client, intake) -> str:
    response = client.get(f"/intake/r/{intake_token(intake)}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_result_page_offers_booking_first_for_an_assessment(client, intake):
    html = result_page(client, intake)
    assert f'class="button" id="action-book" href="/book/{intake_token(intake)}/">{BUTTON}' in html


def test_the_result_page_offers_booking_as_a_secondary_action_for_self_care(client, clock):
    self_care = factories.make_intake()
    assert self_care.urgency == "self_care"
    html = result_page(client, self_care)
    assert 'class="button button--secondary" id="action-book"' in html


def test_an_urgent_case_is_never_offered_booking(client, clinician):
    urgent = factories.make_intake(red_flags=["hot_swollen_fever"])
    assert BUTTON not in client.get(f"/intake/r/{intake_token(urgent)}/").content.decode()
    response = client.get(f"/book/{intake_token(urgent)}/")
    assert response.status_code == 403
    assert "Please seek medical care today" in response.content.decode()


def test_the_booking_page_shows_clinicians_and_two_weeks_in_the_patients_zone(
    client, clinician, intake
):
    make_clinician(username="dr.okafor", name="Dr. Daniel Okafor", hours=((13, 14),))
    response = client.get(f"/book/{intake_token(intake)}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dr. Maya Rivera" in html and "Dr. Daniel Okafor" in html  # the clinician filter
    assert "Times are shown in <strong>UK time</strong> (GMT)" in html
    # The first day's page: 11:00 in New York is 4:00 pm in London; 13:00 there is 6:00 pm
    # here; 09:00 in New York (2:00 pm here) is inside the notice.
    assert picker_current_day(html) == "2026-12-01"
    assert '<h2 class="day-heading">Tuesday 1 December</h2>' in html
    assert list(picker_slots(html).values()) == ["4:00 pm", "4:30 pm", "6:00 pm", "6:30 pm"]
    days = picker_days(html)
    assert "Monday 14 December" in html and days[-1] == "2026-12-14"  # the 14th day
    assert "Tuesday 15 December" not in html  # beyond two weeks (the API goes to 28 days)
    chosen = client.get(f"/book/{intake_token(intake)}/?clinician={clinician.pk}")
    assert "Board Certified Orthopedic and Sports Medicine Clinical Specialist" in (
        chosen.content.decode()
    )


def test_the_page_follows_the_patients_clock_across_daylight_saving(client):
    """In the week between London's change (25 Oct) and New York's (1 Nov), 09:00 in New
    York is 1 pm in London; the week after, 2 pm."""
    with time_machine.travel(datetime(2026, 10, 29, 12, 0, tzinfo=UTC), tick=False):
        make_clinician(hours=((9, 10),))
        intake = factories.make_intake(duration_days=10)
        verify_contact(intake)
        book = f"/book/{intake_token(intake)}/"
        friday = client.get(f"{book}?day=2026-10-30").content.decode()
        monday = client.get(f"{book}?day=2026-11-02").content.decode()
    assert list(picker_slots(friday).values()) == ["1:00 pm", "1:30 pm"]
    assert list(picker_slots(monday).values()) == ["2:00 pm", "2:30 pm"]


def test_a_patient_picks_confirms_and_sees_their_appointment(client, clinician, intake):
    token = intake_token(intake)
    slot = open_slots()[1]
    confirm = client.get(f"/book/{token}/confirm/?slot={slot.pk}")
    assert confirm.status_code == 200
    assert "Tuesday 1 December 2026, 4:30 pm (UK time)" in confirm.content.decode()
    assert Appointment.objects.count() == 0
    response = client.post(f"/book/{token}/confirm/", {"slot": slot.pk}, follow=True)
    appointment = Appointment.objects.get()
    [(url, status)] = response.redirect_chain
    assert status == 302 and url.startswith("/book/appointment/")
    assert appointment_get_by_token(url.split("/")[3]) == appointment
    html = response.content.decode()
    assert "Your appointment is booked" in html
    assert "Tuesday 1 December 2026, 4:30 pm (UK time)" in html
    # Back on the booking link: the appointment, not a second booking.
    again = client.get(f"/book/{token}/")
    assert again.status_code == 302 and again.url.startswith("/book/appointment/")


def test_a_taken_slot_shows_the_nearest_free_times(client, clinician, intake, outsider):
    slot = open_slots()[0]
    services.appointment_book(intake=outsider, slot_id=slot.pk)
    response = client.post(f"/book/{intake_token(intake)}/confirm/", {"slot": slot.pk})
    assert response.status_code == 409
    html = response.content.decode()
    assert "That time has just been taken" in html
    assert "Tuesday 1 December 2026, 4:30 pm (UK time) with Dr. Maya Rivera" in html


@pytest.mark.parametrize("slot", ["", "abc", "999999"])
def test_a_missing_or_unknown_slot_asks_again(client, clinician, intake, slot):
    token = intake_token(intake)
    assert client.get(f"/book/{token}/confirm/?slot={slot}").status_code == 400
    response = client.post(f"/book/{token}/confirm/", {"slot": slot})
    assert response.status_code == 400
    assert Appointment.objects.count() == 0


def test_bad_links_are_refused_clearly(client, clinician, intake):
    assert client.get("/book/not-a-token/").status_code == 404
    assert client.get("/book/appointment/not-a-token/").status_code == 404
    # The intake token never opens an appointment page, and vice versa.
    assert client.get(f"/book/appointment/{intake_token(intake)}/").status_code == 404
    appointment = services.appointment_book(intake=intake, slot_id=open_slots()[0].pk)
    assert client.get(f"/book/{appointment_token(appointment)}/").status_code == 404
    with time_machine.travel(NOW - timedelta(days=91), tick=False):
        old = appointment_token(appointment)
    response = client.get(f"/book/appointment/{old}/")
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_after_a_move_the_old_links_show_the_new_time(client, clinician, intake):
    appointment = services.appointment_book(intake=intake, slot_id=open_slots()[0].pk)
    token = appointment_token(appointment)
    target = open_slots()[4]
    page = client.get(f"/book/appointment/{token}/reschedule/")
    assert "Your appointment is now on <strong>Tuesday 1 December 2026, 4:00 pm" in (
        page.content.decode()
    )
    confirm = client.get(f"/book/appointment/{token}/reschedule/?slot={target.pk}")
    assert "Move my appointment" in confirm.content.decode()
    response = client.post(f"/book/appointment/{token}/reschedule/", {"slot": target.pk})
    assert response.status_code == 302
    html = client.get(f"/book/appointment/{token}/").content.decode()
    assert "Wednesday 2 December 2026, 3:30 pm (UK time)" in html
    ics = client.get(f"/book/appointment/{token}/calendar.ics")
    assert ics["Content-Type"] == "text/calendar; charset=utf-8"
    assert "DTSTART;TZID=America/New_York:20261202T103000" in ics.content.decode()


def test_after_a_cancellation_the_links_say_so_and_offer_to_book_again(client, clinician, intake):
    appointment = services.appointment_book(intake=intake, slot_id=open_slots()[0].pk)
    token = appointment_token(appointment)
    assert (
        "Cancel your appointment?"
        in client.get(f"/book/appointment/{token}/cancel/").content.decode()
    )
    client.post(f"/book/appointment/{token}/cancel/")
    assert Appointment.objects.get().status == "cancelled"
    for path in ("", "cancel/", "reschedule/"):
        response = client.get(f"/book/appointment/{token}/{path}", follow=True)
        html = response.content.decode()
        assert "This appointment was cancelled" in html
        book_again = re.search(r'href="/book/([^/"]+)/">Book again', html)
        assert book_again is not None  # a booking-only link: it opens the booking pages only
        assert intake_open_for_booking(book_again.group(1))[0] == intake
    # A stale form posted after the cancellation changes nothing.
    client.post(f"/book/appointment/{token}/reschedule/", {"slot": open_slots()[2].pk})
    assert Appointment.objects.get().status == "cancelled"
    # And booking again works.
    assert client.get(f"/book/{intake_token(intake)}/").status_code == 200


def test_once_the_appointment_has_begun_its_page_says_so_and_offers_no_changes(
    client, clinician, intake, clock
):
    appointment = services.appointment_book(intake=intake, slot_id=open_slots()[0].pk)
    token = appointment_token(appointment)
    clock.move_to(appointment.starts_at + timedelta(hours=5))
    response = client.get(f"/book/appointment/{token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "This appointment has taken place" in html
    assert "Your appointment is booked" not in html
    assert f"/book/appointment/{token}/cancel/" not in html
    assert f"/book/appointment/{token}/reschedule/" not in html


def test_once_the_appointment_has_begun_its_cancel_and_move_pages_lead_back_to_it(
    client, clinician, intake, clock
):
    slot = open_slots()[0].pk
    appointment = services.appointment_book(intake=intake, slot_id=slot)
    token = appointment_token(appointment)
    target = open_slots()[2]
    clock.move_to(appointment.starts_at + timedelta(hours=5))
    for path in ("cancel/", "reschedule/", f"reschedule/?slot={target.pk}"):
        response = client.get(f"/book/appointment/{token}/{path}", follow=True)
        [(url, status)] = response.redirect_chain
        assert (status, url.startswith("/book/appointment/")) == (302, True)
        assert "This appointment has taken place" in response.content.decode()
    client.post(f"/book/appointment/{token}/cancel/")
    client.post(f"/book/appointment/{token}/reschedule/", {"slot": target.pk})
    appointment.refresh_from_db()
    assert (appointment.status, appointment.slot_id, appointment.version) == ("booked", slot, 1)

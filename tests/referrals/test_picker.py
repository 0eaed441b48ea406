"""The picker, through HTTP: a strip of the days with free times, one day's times per page
(`?day=`), the first free time as one tap, a clinician filter (`?clinician=`), and links or
values it cannot use answered with a plain notice, never an error page. The same picker moves
an appointment.

The cast (tests/referrals/conftest.py): the clinic in New York, Dr. Rivera on weekday
mornings 9–12 there (2–5 pm for the patient in London), the clock on Tuesday 1 December 2026
at 9:00 in New York, two hours' notice.
"""

import re
from datetime import date
from html import unescape
from zoneinfo import ZoneInfo

import pytest

from intake.links import intake_token
from referrals import services
from referrals.models import AvailabilityException
from referrals.selectors import appointment_token
from tests.support import factories
from tests.support.booking import (
    make_clinician,
    open_slots,
    picker_current_day,
    picker_days,
    picker_slots,
    verify_contact,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
WEEKDAYS = [
    "2026-12-01",
    "2026-12-02",
    "2026-12-03",
    "2026-12-04",
    "2026-12-07",
    "2026-12-08",
    "2026-12-09",
    "2026-12-10",
    "2026-12-11",
    "2026-12-14",
]


def page(client, intake, query: str = "") -> str:
    response = client.get(f"/book/{intake_token(intake)}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def open_on(day: str, clinician=None) -> dict[int, str]:
    """The open slots whose London date is `day`: id → London time, as the grid shows it."""
    return {
        slot.pk: f"{slot.starts_at.astimezone(LONDON):%-I:%M} "
        + ("am" if slot.starts_at.astimezone(LONDON).hour < 12 else "pm")
        for slot in open_slots()
        if slot.starts_at.astimezone(LONDON).date() == date.fromisoformat(day)
        and (clinician is None or slot.clinician_id == clinician.pk)
    }


@pytest.fixture
def okafor(clock):
    """A second clinician, weekday afternoons 1–2 pm in New York (6–7 pm in London)."""
    return make_clinician(username="dr.okafor", name="Dr. Daniel Okafor", hours=((13, 14),))


def test_the_strip_lists_only_the_days_with_free_times(client, clinician, intake):
    AvailabilityException.objects.create(
        clinician=clinician, date=date(2026, 12, 9), kind=AvailabilityException.Kind.TIME_OFF
    )
    services.slot_generate(clinician=clinician)
    html = page(client, intake)
    # Weekdays only, two weeks, and not Wednesday 9 December (the clinician's day off).
    assert picker_days(html) == [day for day in WEEKDAYS if day != "2026-12-09"]
    for day in picker_days(html):
        assert open_on(day)  # every day offered has a time to book


def test_a_day_whose_times_are_all_taken_leaves_the_strip(client, clinician, intake, outsider):
    """Tuesday has two times left after the notice; once both are booked, Tuesday is gone."""
    first, last = open_on("2026-12-01")
    services.appointment_book(intake=outsider, slot_id=first)
    html = page(client, intake)
    assert picker_days(html)[0] == "2026-12-01"
    assert list(picker_slots(html)) == [last]
    third = factories.make_intake(
        duration_days=10, patient_overrides={"name": "Tia Third", "email": "tia@example.com"}
    )
    verify_contact(third)
    services.appointment_book(intake=third, slot_id=last)
    html = page(client, intake)
    assert picker_days(html) == WEEKDAYS[1:]
    assert picker_current_day(html) == "2026-12-02"


def test_the_page_opens_on_the_first_day_and_shows_only_its_times(client, clinician, intake):
    html = page(client, intake)
    assert picker_current_day(html) == "2026-12-01"
    # 9:00 and 10:30 in New York are inside the two hours' notice: 11:00 and 11:30 are left.
    assert picker_slots(html) == open_on("2026-12-01")
    assert list(picker_slots(html).values()) == ["4:00 pm", "4:30 pm"]


def test_a_day_page_shows_only_that_days_times(client, clinician, intake):
    html = page(client, intake, "?day=2026-12-08")
    assert picker_current_day(html) == "2026-12-08"
    assert '<h2 class="day-heading">Tuesday 8 December</h2>' in html
    assert picker_slots(html) == open_on("2026-12-08")
    assert list(picker_slots(html).values()) == [
        "2:00 pm",
        "2:30 pm",
        "3:00 pm",
        "3:30 pm",
        "4:00 pm",
        "4:30 pm",
    ]
    # The form asks for the chosen slot on the confirm step, as before.
    assert f'action="/book/{intake_token(intake)}/confirm/"' in html
    # Each day in the strip is a link to its own page, without JavaScript.
    assert f'href="/book/{intake_token(intake)}/?day=2026-12-09"' in html


def test_the_first_free_time_is_one_tap_to_the_confirm_step(client, clinician, intake, okafor):
    first = open_slots()[0]
    html = page(client, intake, "?day=2026-12-10")  # even on a later day's page
    token = intake_token(intake)
    assert (
        f'href="/book/{token}/confirm/?slot={first.pk}">First available: Tue 1 Dec, 4:00 pm'
        '<span class="first-with"> with Dr. Maya Rivera</span></a>'
    ) in html
    confirm = client.get(f"/book/{token}/confirm/?slot={first.pk}")
    assert "Tuesday 1 December 2026, 4:00 pm (UK time)" in confirm.content.decode()
    # With one clinician chosen, their first free time.
    html = page(client, intake, f"?clinician={okafor.pk}")
    assert "First available: Tue 1 Dec, 6:00 pm" in html


def test_the_clinician_filter_shows_one_clinicians_days_and_times(
    client, clinician, intake, okafor
):
    token = intake_token(intake)
    html = page(client, intake, "?day=2026-12-02")
    assert picker_slots(html) == open_on("2026-12-02")  # any clinician: both
    assert (
        f'href="/book/{token}/?day=2026-12-02&amp;clinician={okafor.pk}">Dr. Daniel Okafor' in html
    )
    assert 'aria-current="true">Any clinician</a>' in html
    html = page(client, intake, f"?day=2026-12-02&clinician={okafor.pk}")
    assert picker_slots(html) == open_on("2026-12-02", okafor)
    assert list(picker_slots(html).values()) == ["6:00 pm", "6:30 pm"]
    assert 'aria-current="true">Dr. Daniel Okafor</a>' in html
    assert "With Dr. Daniel Okafor, Board Certified Orthopedic" in html
    # The day links keep the clinician; the clinician links keep the day.
    assert f'href="/book/{token}/?day=2026-12-03&amp;clinician={okafor.pk}"' in html
    assert f'href="/book/{token}/?day=2026-12-02&amp;clinician={clinician.pk}"' in html


def test_any_clinician_lists_each_time_once(client, clinician, intake):
    twin = make_clinician(username="dr.twin", name="Dr. Ada Twin")  # the same hours
    html = page(client, intake, "?day=2026-12-02")
    times = list(picker_slots(html).values())
    assert len(times) == len(set(times)) == 6
    both = page(client, intake, f"?day=2026-12-02&clinician={twin.pk}")
    assert len(picker_slots(both)) == 6
    assert set(picker_slots(both)).isdisjoint(picker_slots(html))  # Rivera's by default


@pytest.mark.parametrize(
    ("day", "shown", "notice"),
    [
        ("tomorrow", "2026-12-01", "We couldn't read the date in that link"),
        ("2026-02-30", "2026-12-01", "We couldn't read the date in that link"),
        ("2026-12-01T10:00", "2026-12-01", "We couldn't read the date in that link"),
        ("9" * 5000, "2026-12-01", "We couldn't read the date in that link"),
        ("2026-12-05", "2026-12-07", "There are no free times on Saturday 5 December, so here "),
        ("2026-11-20", "2026-12-01", "There are no free times on Friday 20 November"),
        ("2027-06-01", "2026-12-01", "so here are the first free times"),
    ],
)
def test_a_day_that_cannot_be_shown_falls_back_with_a_notice(
    client, clinician, intake, day, shown, notice
):
    html = page(client, intake, f"?day={day}")
    assert picker_current_day(html) == shown
    assert picker_slots(html) == open_on(shown)
    [said] = re.findall(r'<p class="panel notice" role="status">([^<]+)</p>', html)
    assert notice in unescape(said)


@pytest.mark.parametrize("value", ["okafor", "-1", "999999", "1" * 40, "1.5"])
def test_an_unknown_clinician_falls_back_to_any_with_a_notice(
    client, clinician, intake, okafor, value
):
    html = page(client, intake, f"?day=2026-12-02&clinician={value}")
    assert "We couldn't find that clinician, so here are the free times with any" in unescape(html)
    assert picker_slots(html) == open_on("2026-12-02")
    assert 'aria-current="true">Any clinician</a>' in html


def test_a_clinician_without_free_times_falls_back_to_any_with_a_notice(
    client, clinician, intake, okafor
):
    away = make_clinician(username="dr.away", name="Dr. Away", generate=False)
    html = page(client, intake, f"?clinician={away.pk}")
    assert "Dr. Away has no free times in the next 14 days, so here are the free times" in html
    assert picker_slots(html) == open_on("2026-12-01")
    assert "Dr. Away</a>" not in html  # the filter offers only clinicians with free times
    okafor.active = False
    okafor.save()
    html = page(client, intake, f"?clinician={okafor.pk}")
    assert "We couldn't find that clinician" in unescape(html)  # an inactive one is not named


def test_a_picker_shown_again_after_a_bad_choice_links_its_days_to_the_booking_page(
    client, clinician, intake
):
    token = intake_token(intake)
    response = client.get(f"/book/{token}/confirm/?slot=nonsense&day=2026-12-02")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please choose one of the free times below." in html
    assert f'href="/book/{token}/?day=2026-12-03"' in html
    assert f"/book/{token}/confirm/?day=" not in html
    assert picker_slots(html) == open_on("2026-12-02")


def test_with_no_free_times_the_page_says_to_call(client, clinician, intake):
    clinician.slots.update(offered=False)
    html = page(client, intake, "?day=2026-12-02")
    # Two weeks empty, so it looked as far as a booking can go (BOOKING_HORIZON_DAYS, 28).
    assert "There are no free times in the next 28 days. Please call the clinic" in html
    assert 'class="day-strip"' not in html and 'name="slot"' not in html


def test_when_the_next_two_weeks_are_full_the_picker_offers_the_later_free_times(
    client, clinician, intake
):
    # Every time in the first two weeks taken or withdrawn; the weeks after still open.
    two_weeks = date.fromisoformat("2026-12-15")
    early = [s for s in open_slots() if s.starts_at.astimezone(LONDON).date() < two_weeks]
    clinician.slots.filter(pk__in=[s.pk for s in early]).update(offered=False)
    later = sorted({s.starts_at.astimezone(LONDON).date().isoformat() for s in open_slots()})
    assert later and later[0] >= "2026-12-15"
    html = page(client, intake)
    assert "There are no free times" not in html
    assert picker_days(html) == later
    assert picker_current_day(html) == later[0]
    assert picker_slots(html) == open_on(later[0])


def test_with_no_free_times_up_to_the_horizon_the_page_names_the_horizon(
    client, clinician, intake, settings
):
    clinician.slots.update(offered=False)
    settings.BOOKING_HORIZON_DAYS = 21
    html = page(client, intake)
    assert "There are no free times in the next 21 days. Please call the clinic" in html


def test_moving_an_appointment_uses_the_same_picker(client, clinician, intake, okafor):
    appointment = services.appointment_book(intake=intake, slot_id=open_slots()[0].pk)
    here = f"/book/appointment/{appointment_token(appointment)}/reschedule/"
    response = client.get(f"{here}?day=2026-12-03&clinician={okafor.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your appointment is now on <strong>Tuesday 1 December 2026, 4:00 pm" in html
    assert picker_current_day(html) == "2026-12-03"
    assert picker_slots(html) == open_on("2026-12-03", okafor)
    assert f'href="{here}?day=2026-12-04&amp;clinician={okafor.pk}"' in html
    assert f'action="{here}"' in html
    first = open_on("2026-12-01", okafor)
    assert f'href="{here}?slot={min(first)}">First available: Tue 1 Dec, 6:00 pm' in html
    # The patient's own time is not offered back to them.
    assert appointment.slot_id not in picker_slots(page_at(client, here))
    # Bad values: a notice, never an error page.
    bad = client.get(f"{here}?day=31-12-2026&clinician=x")
    assert bad.status_code == 200
    text = unescape(bad.content.decode())
    assert "We couldn't read the date" in text and "We couldn't find that clinician" in text
    # And choosing a time still goes to the confirm step.
    confirm = client.get(f"{here}?slot={min(first)}&day=2026-12-01")
    assert "Move my appointment" in confirm.content.decode()


def page_at(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_day_is_the_patients_local_date(client, clinician, intake):
    """A patient in Sydney: 9:00 in New York on Tuesday is 1:00 am on Wednesday there."""
    intake.patient.timezone = "Australia/Sydney"
    intake.patient.save()
    html = page(client, intake, "?day=2026-12-02")
    sydney = ZoneInfo("Australia/Sydney")
    expected = {
        s.pk for s in open_slots() if s.starts_at.astimezone(sydney).date() == date(2026, 12, 2)
    }
    assert set(picker_slots(html)) == expected
    assert list(picker_slots(html).values()) == ["3:00 am", "3:30 am"]
    assert picker_days(page(client, intake))[0] == "2026-12-02"


def test_choose_another_time_goes_back_to_the_chosen_days_page(client, clinician, intake):
    token = intake_token(intake)
    late = max(open_on("2026-12-08"))
    confirm = client.get(f"/book/{token}/confirm/?slot={late}").content.decode()
    assert f'href="/book/{token}/?day=2026-12-08">Choose another time' in confirm
    appointment = services.appointment_book(intake=intake, slot_id=open_slots()[0].pk)
    here = f"/book/appointment/{appointment_token(appointment)}/reschedule/"
    confirm = client.get(f"{here}?slot={late}").content.decode()
    assert f'href="{here}?day=2026-12-08">Choose another time' in confirm

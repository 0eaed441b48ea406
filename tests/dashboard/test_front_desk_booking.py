"""Front desk books on a patient's behalf through a staff page (issue 13 #4): never through
the patient's own link, and without seeing any clinical data on the way."""

import re

import pytest

from dashboard.models import AuditEvent
from intake.links import intake_token
from referrals.models import Appointment
from tests.support.booking import make_clinician, open_slots, picker_current_day, picker_days

pytestmark = pytest.mark.django_db

PATIENT_LINK = re.compile(r'href="[^"]*/(?:book|intake/r|f)/(?!appointment/)[^"/]+/')


@pytest.fixture
def slots(db):
    make_clinician()
    return open_slots()


def test_the_intake_page_books_through_the_staff_page_not_the_patients_link(
    front_desk_client, routine_intake, slots
):
    page = front_desk_client.get(f"/staff/intakes/{routine_intake.pk}/").content.decode()
    assert f'href="/staff/intakes/{routine_intake.pk}/book/"' in page
    assert intake_token(routine_intake) not in page
    assert not PATIENT_LINK.search(page)


def test_front_desk_books_a_time_for_the_patient(
    front_desk_client, front_desk, routine_intake, slots
):
    url = f"/staff/intakes/{routine_intake.pk}/book/"
    page = front_desk_client.get(url)
    assert page.status_code == 200
    assert f'value="{slots[0].pk}"' in page.content.decode()
    response = front_desk_client.post(url, {"slot": slots[0].pk})
    assert response.status_code == 302
    assert response["Location"] == f"/staff/intakes/{routine_intake.pk}/"
    appointment = Appointment.objects.get()
    assert (appointment.intake, appointment.slot) == (routine_intake, slots[0])
    event = AuditEvent.objects.get(action="booking_on_behalf")
    assert (event.actor, event.object_id) == (front_desk, routine_intake.pk)


def test_the_booking_page_shows_no_clinical_data(front_desk_client, routine_intake, slots):
    from intake import triage

    html = front_desk_client.get(f"/staff/intakes/{routine_intake.pk}/book/").content.decode()
    assert "Rita Routine" in html  # who is being booked
    pattern = triage.PATTERNS.get(routine_intake.pattern)
    assert pattern is None or pattern.name not in html
    assert routine_intake.urgency not in html.lower().replace("urgency", "")
    assert "Where exactly is the pain?" not in html
    assert not PATIENT_LINK.search(html)


def test_a_taken_or_unknown_slot_is_a_400_and_books_nothing(
    front_desk_client, routine_intake, slots
):
    url = f"/staff/intakes/{routine_intake.pk}/book/"
    assert front_desk_client.post(url, {"slot": "nope"}).status_code == 400
    assert front_desk_client.post(url, {"slot": 10**9}).status_code in (400, 409)
    assert not Appointment.objects.exists()


def test_an_urgent_intake_is_never_booked(front_desk_client, urgent_intake, slots):
    url = f"/staff/intakes/{urgent_intake.pk}/book/"
    assert front_desk_client.post(url, {"slot": slots[0].pk}).status_code in (400, 403)
    assert not Appointment.objects.exists()


def test_the_front_desk_picker_shows_one_day_at_a_time_with_the_strip_of_days(
    front_desk_client, routine_intake, slots
):
    url = f"/staff/intakes/{routine_intake.pk}/book/"
    first = front_desk_client.get(url).content.decode()
    days = picker_days(first)
    assert len(days) > 1 and picker_current_day(first) == days[0]
    shown = set(re.findall(r'name="slot" value="(\d+)"', first))
    assert 0 < len(shown) < len(slots)  # one day's times, not the fortnight's
    second = front_desk_client.get(f"{url}?day={days[1]}").content.decode()
    assert picker_current_day(second) == days[1]
    assert shown.isdisjoint(re.findall(r'name="slot" value="(\d+)"', second))


@pytest.mark.parametrize("query", ["?day=not-a-day", "?day=2999-01-01", "?clinician=nobody"])
def test_a_day_or_clinician_the_front_desk_picker_cannot_use_gets_a_notice_not_an_error(
    front_desk_client, routine_intake, slots, query
):
    response = front_desk_client.get(f"/staff/intakes/{routine_intake.pk}/book/{query}")
    assert response.status_code == 200
    assert 'class="panel notice" role="status"' in response.content.decode()

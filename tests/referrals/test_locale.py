"""A US clinic (CLINIC_LOCALE=en-US) books, confirms and reminds the US way: month first,
"4:00 PM", the zone by its everyday name, in the page, the email, the SMS and the .ics."""

import icalendar
import pytest
from django.core import mail

from intake.links import intake_token
from referrals.models import Appointment
from tests.support.booking import book, open_slots, picker_slots

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _us_clinic(settings):
    settings.CLINIC_LOCALE = "en-US"
    settings.LANGUAGE_CODE = "en-us"


def test_a_us_clinics_booking_page_lists_days_month_first_and_times_with_capital_pm(
    client, clinician, intake
):
    html = client.get(f"/book/{intake_token(intake)}/").content.decode()
    # 11:00 in New York is 4:00 pm in London, where this patient lives.
    assert "Tuesday, December 1" in html and "4:00 PM" in picker_slots(html).values()
    day_link = '<span class="dow" aria-hidden="true">Tue</span>'
    assert day_link + '<span class="dom" aria-hidden="true">Dec 1</span>' in html
    assert "Tuesday 1 December" not in html and "4:00 pm" not in html


def test_a_us_clinics_confirmation_email_and_calendar_file_say_the_time_the_us_way(
    client, clinician, intake, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = book(client, slot=open_slots()[0], intake=intake)
    assert response.status_code == 201, response.content
    [email] = [m for m in mail.outbox if m.to == ["alex@example.com"]]
    when = "Tuesday, December 1, 2026, 4:00 PM (UK time)"
    assert email.subject == f"Your free second opinion is booked: {when}"
    assert when in email.body
    [(_name, content, _type)] = email.attachments
    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["description"]).startswith(when)
    [notice] = [m for m in mail.outbox if m.to == ["dr.rivera@clinic.example"]]
    assert "Tuesday, December 1, 2026, 11:00 AM (Eastern Time)" in notice.subject
    assert Appointment.objects.count() == 1

"""The dashboard shows booking: today's appointments, an intake's bookings, and outcomes."""

import pytest
import time_machine

from intake.models import Referral
from referrals import services as booking
from referrals.models import Slot
from tests.support import factories
from tests.support.booking import make_clinician

pytestmark = pytest.mark.django_db
# Tuesday 2026-12-01 12:00 UTC is 07:00 in New York: the 09:00 slot today is bookable.


@pytest.fixture(autouse=True)
def _clinic_zone(settings):
    settings.TIME_ZONE = "America/New_York"


def book_today(intake):
    clinician = make_clinician(name="Dr. Maya Rivera")
    slot = Slot.objects.filter(clinician=clinician).order_by("starts_at").first()
    return booking.appointment_book(intake=intake, slot_id=slot.pk)


def test_todays_appointments_are_on_the_queue_per_clinician(client, clinician):
    with time_machine.travel("2026-12-01 12:00:00Z", tick=False):
        client.force_login(clinician)
        clinician_client = client
        intake = factories.make_intake(duration_days=10)
        book_today(intake)
        response = clinician_client.get("/staff/")
    text = response.content.decode()
    assert "Dr. Maya Rivera" in text
    assert f"9:00 am Alex Runner (intake #{intake.pk})" in text


def test_the_intake_page_lists_its_appointments_and_offers_to_book(client, clinician):
    with time_machine.travel("2026-12-01 12:00:00Z", tick=False):
        client.force_login(clinician)
        clinician_client = client
        intake = factories.make_intake(duration_days=10)
        before = clinician_client.get(f"/staff/intakes/{intake.pk}/").content.decode()
        book_today(intake)
        after = clinician_client.get(f"/staff/intakes/{intake.pk}/").content.decode()
    assert "Book on the patient's behalf" in before
    assert "with Dr. Maya Rivera: Booked" in after


def test_outcomes_count_bookings_made_after_an_invitation():
    with time_machine.travel("2026-12-01 12:00:00Z", tick=False):
        intake = factories.make_intake(duration_days=10)
        Referral.objects.create(intake=intake, reason=Referral.Reason.NOT_IMPROVING)
        book_today(intake)
        from dashboard.selectors import appointments

        assert appointments.bookings_from_invitations() == {intake.pattern: 1}

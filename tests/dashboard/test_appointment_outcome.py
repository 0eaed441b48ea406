"""A clinician records an appointment's outcome from the intake page (and the admin)."""

from datetime import timedelta

import pytest
import time_machine
from auditlog.models import LogEntry

from dashboard.models import AuditEvent
from referrals import services as booking
from referrals.models import AppointmentOutcome, Slot
from tests.support import factories
from tests.support.booking import make_clinician

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clinic_zone(settings):
    settings.TIME_ZONE = "America/New_York"


@pytest.fixture
def begun():
    """An intake with an appointment that started five minutes ago (the clock stays there)."""
    with time_machine.travel("2026-12-01 12:00:00Z", tick=False) as clock:
        intake = factories.make_intake(duration_days=10)
        clinician = make_clinician(name="Dr. Maya Rivera")
        slot = Slot.objects.filter(clinician=clinician).order_by("starts_at").first()
        appointment = booking.appointment_book(intake=intake, slot_id=slot.pk)
        clock.move_to(appointment.starts_at + timedelta(minutes=5))
        yield appointment


@pytest.fixture
def clinician_client(client, clinician, begun):
    """Signed in on the moved clock (a session from before would have expired)."""
    client.force_login(clinician)
    return client


@pytest.fixture
def front_desk_client(client, front_desk, begun):
    client.force_login(front_desk)
    return client


@pytest.fixture
def admin_client(client, admin_user, begun):
    client.force_login(admin_user)
    return client


def test_the_intake_page_offers_a_clinician_to_record_the_outcome(clinician_client, begun):
    page = clinician_client.get(f"/staff/intakes/{begun.intake_id}/").content.decode()
    assert "with Dr. Maya Rivera: Awaiting outcome" in page
    assert f"/staff/appointments/{begun.pk}/outcome/" in page


def test_a_clinician_records_an_outcome_and_it_is_audited(clinician_client, clinician, begun):
    url = f"/staff/appointments/{begun.pk}/outcome/"
    assert clinician_client.get(url).status_code == 200
    response = clinician_client.post(
        url, {"attendance": "attended", "diagnosis": "meniscus_tear", "plan": "imaging"}
    )
    assert response.status_code == 302
    outcome = AppointmentOutcome.objects.get(appointment=begun)
    assert (outcome.diagnosis, outcome.recorded_by) == ("meniscus_tear", clinician)
    event = AuditEvent.objects.get(action=AuditEvent.Action.OUTCOME_RECORD)
    assert (event.object_type, event.object_id, event.actor) == ("appointment", begun.pk, clinician)
    assert LogEntry.objects.get_for_object(outcome).exists()
    page = clinician_client.get(f"/staff/intakes/{begun.intake_id}/").content.decode()
    assert "with Dr. Maya Rivera: Attended" in page


def test_a_bad_outcome_comes_back_with_each_field_marked_and_nothing_saved(clinician_client, begun):
    response = clinician_client.post(
        f"/staff/appointments/{begun.pk}/outcome/",
        {"attendance": "attended", "diagnosis": "other", "plan": "onward_referral"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"diagnosis_other", "onward_to"}
    assert not AppointmentOutcome.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.OUTCOME_RECORD).exists()


def test_front_desk_cannot_record_an_outcome(front_desk_client, begun):
    url = f"/staff/appointments/{begun.pk}/outcome/"
    assert front_desk_client.get(url).status_code == 403
    assert front_desk_client.post(url, {"attendance": "did_not_attend"}).status_code == 403


def test_an_admin_records_an_outcome_through_the_service(admin_client, begun):
    response = admin_client.post(
        "/admin/referrals/appointmentoutcome/add/",
        {"appointment": begun.pk, "attendance": "did_not_attend", "diagnosis": "runners_knee"},
    )
    assert response.status_code == 200  # refused: the form again
    assert "Leave this empty" in response.content.decode()
    assert not AppointmentOutcome.objects.exists()
    response = admin_client.post(
        "/admin/referrals/appointmentoutcome/add/",
        {"appointment": begun.pk, "attendance": "did_not_attend"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    outcome = AppointmentOutcome.objects.get()
    assert outcome.appointment.status == "no_show"

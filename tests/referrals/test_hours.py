"""Hours removed under bookings: each booked patient is told and offered the nearest free
times, the front desk gets the list, and nobody keeps a time that no longer exists."""

import pytest
from django.contrib.auth import get_user_model

from clinic.messaging.models import Message
from dashboard.services import staff_groups_sync
from referrals import selectors, services
from referrals.models import Appointment, AvailabilityException, WeeklyAvailability
from tests.support.booking import make_clinician, open_slots

pytestmark = pytest.mark.django_db


def test_removing_hours_under_a_booking_tells_the_patient_with_the_nearest_times(
    clinician, intake, clock
):
    other = make_clinician(username="dr.other", name="Dr. Other")
    mine = next(s for s in open_slots() if s.clinician_id == clinician.pk)
    appointment = services.appointment_book(intake=intake, slot_id=mine.pk)
    WeeklyAvailability.objects.filter(clinician=clinician).delete()
    services.slot_generate(clinician=clinician)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.cancelled_by_clinic
    assert selectors.appointment_state(appointment) == "cancelled"
    [told] = Message.objects.filter(purpose="appointment_clinic_cancelled")
    assert told.recipient == "alex@example.com"
    assert told.about == f"appointment:{appointment.pk}"
    assert "no longer available" in told.body_text
    assert told.body_text.count("with Dr. Other") == 3  # the three nearest free times
    assert "/book" in told.body_text
    # The slot is free of any hold: the patient can book one of the offered times.
    assert selectors.appointment_active_for_intake(intake) is None
    rebooked = services.appointment_book(intake=intake, slot_id=open_slots()[0].pk)
    assert rebooked.clinician == other


def test_a_day_off_under_a_booking_and_an_inactive_clinician_both_displace_it(
    clinician, intake, clock, outsider
):
    first = open_slots()[0]
    second = next(s for s in open_slots() if s.starts_at.date() != first.starts_at.date())
    day = services.appointment_book(intake=intake, slot_id=first.pk)
    AvailabilityException.objects.create(
        clinician=clinician, date=first.starts_at.date(), kind="time_off"
    )
    services.slot_generate(clinician=clinician)
    day.refresh_from_db()
    assert day.cancelled_by_clinic
    away = services.appointment_book(intake=outsider, slot_id=second.pk)
    assert away.pk  # a later day, still offered
    clinician.active = False
    clinician.save()
    services.slot_generate(clinician=clinician)
    away.refresh_from_db()
    assert (away.status, away.cancelled_by_clinic) == ("cancelled", True)


def test_regenerating_again_tells_nobody_twice_and_leaves_other_bookings_alone(
    clinician, intake, clock, outsider
):
    slots = open_slots()
    kept = services.appointment_book(intake=outsider, slot_id=slots[-1].pk)
    gone = services.appointment_book(intake=intake, slot_id=slots[0].pk)
    AvailabilityException.objects.create(
        clinician=clinician, date=gone.starts_at.date(), kind="time_off"
    )
    services.slot_generate(clinician=clinician)
    services.slot_generate(clinician=clinician)
    assert Message.objects.filter(purpose="appointment_clinic_cancelled").count() == 1
    kept.refresh_from_db()
    assert kept.status == "booked" and not kept.cancelled_by_clinic


def test_the_front_desk_lists_the_affected_appointments(client, clinician, intake, clock):
    appointment = services.appointment_book(intake=intake, slot_id=open_slots()[0].pk)
    WeeklyAvailability.objects.filter(clinician=clinician).delete()
    services.slot_generate(clinician=clinician)
    desk = get_user_model().objects.create_user(username="frank.desk")
    desk.groups.add(staff_groups_sync()["front_desk"])
    client.force_login(desk)
    page = client.get("/staff/appointments/displaced/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Alex Runner" in text and "Not yet" in text
    assert f"/staff/intakes/{appointment.intake_id}/" in text


def test_the_admin_says_which_bookings_were_under_the_removed_hours(
    clinician, intake, clock, admin_client
):
    appointment = services.appointment_book(intake=intake, slot_id=open_slots()[0].pk)
    response = admin_client.post(
        "/admin/referrals/availabilityexception/add/",
        {
            "clinician": clinician.pk,
            "date": appointment.starts_at.date().isoformat(),
            "kind": "time_off",
        },
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert f"#{appointment.pk}" in text and "are cancelled" in text

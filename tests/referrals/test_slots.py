"""Slot generation: weekly hours in the clinic's zone, exceptions, the rolling horizon,
daylight-saving changes, and regeneration when availability changes."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail

from intake.links import intake_token
from referrals import services, tasks
from referrals.models import Appointment, AvailabilityException, Slot, WeeklyAvailability
from tests.support import factories
from tests.support.booking import NOW, book, make_clinician, open_slots, verify_contact

pytestmark = pytest.mark.django_db


def starts(clinician, day: date) -> list[datetime]:
    return [
        s.starts_at
        for s in Slot.objects.filter(clinician=clinician, offered=True).order_by("starts_at")
        if s.starts_at.astimezone(UTC).date() == day
    ]


def test_it_lays_weekly_hours_out_as_half_hour_slots_in_the_clinics_zone(clock):
    clinician = make_clinician(hours=((9, 11),))
    # Wednesday 2 December, 09:00–11:00 in New York (UTC-5) is 14:00–16:00 UTC.
    assert starts(clinician, date(2026, 12, 2)) == [
        datetime(2026, 12, 2, 14, 0, tzinfo=UTC),
        datetime(2026, 12, 2, 14, 30, tzinfo=UTC),
        datetime(2026, 12, 2, 15, 0, tzinfo=UTC),
        datetime(2026, 12, 2, 15, 30, tzinfo=UTC),
    ]
    slot = Slot.objects.filter(clinician=clinician).first()
    assert slot.ends_at - slot.starts_at == timedelta(minutes=30)


def test_it_offers_no_weekend_slots_and_stops_at_the_horizon(clock):
    clinician = make_clinician()
    assert starts(clinician, date(2026, 12, 5)) == []  # Saturday
    last = Slot.objects.filter(clinician=clinician).order_by("-starts_at").first()
    assert last.starts_at < NOW + timedelta(days=28)
    assert last.starts_at > NOW + timedelta(days=25)


def test_it_generates_nothing_twice(clock):
    clinician = make_clinician()
    count = Slot.objects.count()
    assert services.slot_generate(clinician=clinician) == services.SlotChanges()
    tasks.slots_regenerate.delay()
    assert Slot.objects.count() == count


def test_the_beat_task_rolls_the_horizon_forward_day_by_day(clock):
    clinician = make_clinician()
    before = Slot.objects.count()
    clock.shift(timedelta(days=1))  # Wednesday: Tuesday 29 December comes into the horizon
    tasks.slots_regenerate.delay()
    new = Slot.objects.filter(starts_at__gte=NOW + timedelta(days=28))
    assert new.count() == 6
    assert Slot.objects.count() == before + 6
    assert clinician.slots.filter(starts_at__gt=NOW + timedelta(days=29)).count() == 0


def test_a_day_off_removes_that_days_slots_and_extra_hours_add_some(clock):
    clinician = make_clinician(generate=False)
    AvailabilityException.objects.create(
        clinician=clinician, date=date(2026, 12, 2), kind="time_off"
    )
    AvailabilityException.objects.create(
        clinician=clinician,
        date=date(2026, 12, 3),
        kind="time_off",
        starts=time(10),
        ends=time(11),
    )
    AvailabilityException.objects.create(
        clinician=clinician,
        date=date(2026, 12, 5),  # a Saturday clinic
        kind="extra_hours",
        starts=time(8),
        ends=time(9),
    )
    services.slot_generate(clinician=clinician)
    assert starts(clinician, date(2026, 12, 2)) == []
    thursday = [s.astimezone(UTC).strftime("%H:%M") for s in starts(clinician, date(2026, 12, 3))]
    assert thursday == ["14:00", "14:30", "16:00", "16:30"]
    saturday = [s.astimezone(UTC).strftime("%H:%M") for s in starts(clinician, date(2026, 12, 5))]
    assert saturday == ["13:00", "13:30"]


def test_changing_hours_withdraws_free_slots_and_the_clinic_cancels_a_booked_one(clock, client):
    # Issue 15 item 3 changed this: nobody keeps a time that no longer exists (the patient is
    # told and offered other times: tests/referrals/test_hours.py). The slot row stays.
    clinician = make_clinician()
    intake = factories.make_intake(duration_days=10)
    slot = open_slots()[0]
    assert book(client, slot=slot, intake=intake).status_code == 201
    WeeklyAvailability.objects.filter(clinician=clinician).delete()
    changes = services.slot_generate(clinician=clinician)
    assert changes.created == 0 and changes.withdrawn > 0
    assert open_slots() == []
    appointment = Appointment.objects.get()
    assert (appointment.status, appointment.cancelled_by_clinic) == ("cancelled", True)
    assert appointment.slot_id == slot.pk
    assert Slot.objects.get(pk=slot.pk).offered is False


def test_an_inactive_clinician_offers_nothing_until_active_again(clock):
    clinician = make_clinician()
    count = Slot.objects.filter(offered=True).count()
    clinician.active = False
    clinician.save()
    tasks.slots_regenerate.delay()
    assert open_slots() == []
    clinician.active = True
    clinician.save()
    services.slot_generate(clinician=clinician)
    assert Slot.objects.count() == count
    # All but 09:30, 10:00 and 10:30 today: inside the two hours' notice.
    assert len(open_slots()) == count - 3


def test_saving_hours_in_the_admin_regenerates_that_clinicians_slots(clock, client):
    clinician = make_clinician(weekdays=(0,))  # Mondays only
    admin = get_user_model().objects.create_superuser("boss", "boss@clinic.example", "pw")
    client.force_login(admin)
    assert starts(clinician, date(2026, 12, 2)) == []
    response = client.post(
        "/admin/referrals/weeklyavailability/add/",
        {"clinician": clinician.pk, "weekday": 2, "starts": "09:00", "ends": "10:00"},
    )
    assert response.status_code == 302, response.content
    assert len(starts(clinician, date(2026, 12, 2))) == 2
    availability = WeeklyAvailability.objects.get(weekday=2)
    response = client.post(
        f"/admin/referrals/weeklyavailability/{availability.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert starts(clinician, date(2026, 12, 2)) == []


def test_the_admin_lists_clinicians_slots_and_appointments(clock, client):
    make_clinician()
    admin = get_user_model().objects.create_superuser("boss", "boss@clinic.example", "pw")
    client.force_login(admin)
    for url in (
        "/admin/referrals/clinician/",
        "/admin/referrals/slot/?offered__exact=1",
        "/admin/referrals/appointment/?q=alex",
        "/admin/referrals/availabilityexception/",
        "/admin/intake/referral/?reason__exact=second_opinion",
    ):
        assert client.get(url).status_code == 200, url


# --- Daylight saving: New York changes on 1 Nov 2026 and 14 Mar 2027, London on 25 Oct 2026
# and 28 Mar 2027, so for a week the two cities are 4 hours apart instead of 5.


def test_nine_oclock_stays_nine_oclock_across_the_autumn_change():
    with time_machine.travel(datetime(2026, 10, 29, 12, 0, tzinfo=UTC), tick=False):
        clinician = make_clinician(hours=((9, 10),))
        assert starts(clinician, date(2026, 10, 30))[0] == datetime(
            2026, 10, 30, 13, 0, tzinfo=UTC
        )  # EDT, UTC-4
        assert starts(clinician, date(2026, 11, 2))[0] == datetime(
            2026, 11, 2, 14, 0, tzinfo=UTC
        )  # EST, UTC-5


def test_nine_oclock_stays_nine_oclock_across_the_spring_change():
    with time_machine.travel(datetime(2027, 3, 11, 12, 0, tzinfo=UTC), tick=False):
        clinician = make_clinician(hours=((9, 10),))
        assert starts(clinician, date(2027, 3, 12))[0] == datetime(2027, 3, 12, 14, 0, tzinfo=UTC)
        assert starts(clinician, date(2027, 3, 15))[0] == datetime(2027, 3, 15, 13, 0, tzinfo=UTC)


def test_regenerating_after_the_change_keeps_the_slots_made_before_it():
    with time_machine.travel(datetime(2026, 10, 29, 12, 0, tzinfo=UTC), tick=False) as clock:
        clinician = make_clinician(hours=((9, 10),))
        monday = set(starts(clinician, date(2026, 11, 9)))
        clock.move_to(datetime(2026, 11, 3, 12, 0, tzinfo=UTC))
        changes = services.slot_generate(clinician=clinician)
        assert changes.withdrawn == 0 and changes.reoffered == 0
        assert set(starts(clinician, date(2026, 11, 9))) == monday
        assert monday == {
            datetime(2026, 11, 9, 14, 0, tzinfo=UTC),
            datetime(2026, 11, 9, 14, 30, tzinfo=UTC),
        }


def test_a_slot_inside_the_spring_forward_gap_is_skipped():
    """Hours across 02:00–03:00 on the night clocks go forward: 02:00 and 02:30 don't exist."""
    with time_machine.travel(datetime(2027, 3, 12, 12, 0, tzinfo=UTC), tick=False):
        clinician = make_clinician(hours=((1, 4),), weekdays=(6,))
        local = [
            s.starts_at.astimezone(ZoneInfo("America/New_York"))
            for s in Slot.objects.filter(clinician=clinician)
            if s.starts_at.date() <= date(2027, 3, 15)
        ]
        assert [f"{t:%H:%M}" for t in local] == ["01:00", "01:30", "03:00", "03:30"]


def test_staff_cancel_through_the_admin_and_the_patient_is_told(
    clock, client, django_capture_on_commit_callbacks
):
    make_clinician()
    intake = factories.make_intake(duration_days=10)
    appointment = services.appointment_book(intake=intake, slot_id=open_slots()[0].pk)
    admin = get_user_model().objects.create_superuser("boss", "boss@clinic.example", "pw")
    client.force_login(admin)
    assert client.get(f"/admin/referrals/appointment/{appointment.pk}/change/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/referrals/appointment/",
            {"action": "cancel_appointments", "_selected_action": [appointment.pk]},
        )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert any(m.to == ["alex@example.com"] for m in mail.outbox)


def test_the_booking_page_costs_three_queries_however_many_slots_and_clinicians(
    clock, client, django_assert_num_queries
):
    okafor = make_clinician(username="dr.okafor", name="Dr. Daniel Okafor", hours=((8, 18),))
    make_clinician(hours=((8, 18),))
    intake = factories.make_intake(duration_days=10)
    verify_contact(intake)
    # The intake (joined with its contact check), its active appointment, the open slots
    # with their clinicians: a query per clinician or per day (two, ten here) would show.
    counts = {}
    for query in ("", "?day=2026-12-09", f"?clinician={okafor.pk}&day=2026-12-03"):
        with django_assert_num_queries(3):
            response = client.get(f"/book/{intake_token(intake)}/{query}")
        assert response.status_code == 200
        counts[query] = response.context["slot_count"]
    assert counts[""] > 300 and 150 < counts[f"?clinician={okafor.pk}&day=2026-12-03"] < 200

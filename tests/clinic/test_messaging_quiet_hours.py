"""Quiet hours and the daily allowance: unprompted messages at a decent hour, once a day."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from clinic.messaging.models import Message
from clinic.messaging.quiet_hours import quiet_hours_next_allowed
from clinic.messaging.services import message_queue, message_send
from clinic.messaging.sms import outbox
from clinic.zones import local_day_bounds
from intake.models import Patient
from intake.recipients import patient_recipient
from tests.support.factories import patient_row

NY = "America/New_York"
LONDON = "Europe/London"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))


@pytest.mark.parametrize(
    ("at", "zone", "expected"),
    [
        # Daytime in the patient's zone: straight away.
        (local(LONDON, 2026, 6, 10, 9, 0), LONDON, local(LONDON, 2026, 6, 10, 9, 0)),
        (local(LONDON, 2026, 6, 10, 19, 59), LONDON, local(LONDON, 2026, 6, 10, 19, 59)),
        # 20:00 is quiet: the next morning at 09:00.
        (local(LONDON, 2026, 6, 10, 20, 0), LONDON, local(LONDON, 2026, 6, 11, 9, 0)),
        # Before 09:00: the same morning.
        (local(LONDON, 2026, 6, 10, 3, 30), LONDON, local(LONDON, 2026, 6, 10, 9, 0)),
        (local(NY, 2026, 6, 10, 8, 59), NY, local(NY, 2026, 6, 10, 9, 0)),
    ],
)
def test_it_moves_a_night_time_message_to_the_morning(at, zone, expected):
    assert quiet_hours_next_allowed(at=at, zone=zone) == expected


def test_it_judges_the_hour_in_the_patients_zone_not_the_servers():
    # 14:00 UTC is 10:00 in New York (EDT) but 23:00 in Tokyo.
    at = utc(2026, 6, 10, 14, 0)
    assert quiet_hours_next_allowed(at=at, zone=NY) == at
    assert quiet_hours_next_allowed(at=at, zone="Asia/Tokyo") == utc(2026, 6, 11, 0, 0)


def test_it_sends_at_nine_local_on_the_morning_new_york_springs_forward():
    # 2026-03-08: New York goes from EST (UTC-5) to EDT (UTC-4) at 02:00.
    evening = local(NY, 2026, 3, 7, 22, 0)  # 03:00 UTC on the 8th
    morning = quiet_hours_next_allowed(at=evening, zone=NY)
    assert morning == utc(2026, 3, 8, 13, 0)  # 09:00 EDT, not 14:00 UTC (09:00 EST)
    assert morning.astimezone(ZoneInfo(NY)).hour == 9


def test_it_sends_at_nine_local_on_the_morning_new_york_falls_back():
    # 2026-11-01: EDT (UTC-4) back to EST (UTC-5) at 02:00; 01:30 happens twice.
    night = local(NY, 2026, 11, 1, 1, 30)
    morning = quiet_hours_next_allowed(at=night, zone=NY)
    assert morning == utc(2026, 11, 1, 14, 0)
    assert morning.astimezone(ZoneInfo(NY)).hour == 9


def test_it_sends_at_nine_local_on_the_morning_london_springs_forward():
    # 2026-03-29: London goes from GMT to BST (UTC+1) at 01:00.
    evening = local(LONDON, 2026, 3, 28, 21, 0)
    assert quiet_hours_next_allowed(at=evening, zone=LONDON) == utc(2026, 3, 29, 8, 0)


def test_it_sends_at_nine_local_on_the_morning_london_falls_back():
    # 2026-10-25: BST back to GMT at 02:00.
    evening = local(LONDON, 2026, 10, 24, 21, 0)
    assert quiet_hours_next_allowed(at=evening, zone=LONDON) == utc(2026, 10, 25, 9, 0)


def test_it_closes_the_window_at_eight_pm_local_across_the_change():
    # 19:30 BST on the Saturday before the change is allowed; 20:30 is not.
    assert quiet_hours_next_allowed(at=utc(2026, 10, 24, 18, 30), zone=LONDON) == utc(
        2026, 10, 24, 18, 30
    )
    assert quiet_hours_next_allowed(at=utc(2026, 10, 24, 19, 30), zone=LONDON) == utc(
        2026, 10, 25, 9, 0
    )


def test_it_counts_a_day_of_25_hours_when_the_clocks_go_back():
    start, end = local_day_bounds(at=utc(2026, 11, 1, 12, 0), zone=NY)
    assert end - start == timedelta(hours=25)
    start, end = local_day_bounds(at=utc(2026, 3, 8, 12, 0), zone=NY)
    assert end - start == timedelta(hours=23)


def test_it_falls_back_to_the_clinic_zone_for_an_unknown_zone(settings):
    settings.TIME_ZONE = NY
    at = utc(2026, 6, 10, 3, 0)  # 23:00 in New York
    assert quiet_hours_next_allowed(at=at, zone="Not/AZone") == utc(2026, 6, 10, 13, 0)


# --- Through the message layer -----------------------------------------------------------


def _unprompted(patient: Patient, key: str) -> Message:
    return message_queue(
        template="sms_opt_in_confirm",
        purpose="test_unprompted",
        idempotency_key=key,
        recipient=patient_recipient(patient),
        context={},
        unprompted=True,
    )


@pytest.mark.django_db
def test_an_unprompted_message_queued_at_night_waits_for_the_morning():
    patient = patient_row()
    with time_machine.travel(local(LONDON, 2026, 6, 10, 23, 15), tick=False):
        message = _unprompted(patient, "night")
        assert message.not_before == local(LONDON, 2026, 6, 11, 9, 0)
        message_send(message_id=message.pk)
    assert outbox.messages == []
    with time_machine.travel(local(LONDON, 2026, 6, 11, 9, 1), tick=False):
        message_send(message_id=message.pk)
    assert len(outbox.messages) == 1


@pytest.mark.django_db
def test_a_reply_to_the_patients_own_action_is_not_held_by_quiet_hours():
    patient = patient_row()
    with time_machine.travel(local(LONDON, 2026, 6, 10, 23, 15), tick=False):
        message = message_queue(
            template="sms_opt_in_confirm",
            purpose="test_reply",
            idempotency_key="1",
            recipient=patient_recipient(patient),
            context={},
        )
        message_send(message_id=message.pk)
    assert len(outbox.messages) == 1


@pytest.mark.django_db
def test_a_message_whose_retry_falls_into_the_night_is_held_at_send_time():
    patient = patient_row()
    with time_machine.travel(local(LONDON, 2026, 6, 10, 19, 50), tick=False):
        message = _unprompted(patient, "late")
    with time_machine.travel(local(LONDON, 2026, 6, 10, 20, 5), tick=False):
        message = message_send(message_id=message.pk)
    assert message.status == "queued"
    assert message.not_before == local(LONDON, 2026, 6, 11, 9, 0)
    assert outbox.messages == []


@pytest.mark.django_db
def test_a_patient_gets_at_most_one_unprompted_message_a_day():
    patient = patient_row()
    with time_machine.travel(local(LONDON, 2026, 6, 10, 10, 0), tick=False):
        first = _unprompted(patient, "a")
        second = _unprompted(patient, "b")
        message_send(message_id=first.pk)
        second = message_send(message_id=second.pk)
    assert len(outbox.messages) == 1
    assert second.status == "queued"
    assert second.not_before == local(LONDON, 2026, 6, 11, 9, 0)
    with time_machine.travel(local(LONDON, 2026, 6, 11, 9, 0), tick=False):
        message_send(message_id=second.pk)
    assert len(outbox.messages) == 2


@pytest.mark.django_db
def test_replies_do_not_use_up_the_daily_allowance():
    patient = patient_row()
    with time_machine.travel(local(LONDON, 2026, 6, 10, 10, 0), tick=False):
        reply = message_queue(
            template="sms_opt_in_confirm",
            purpose="test_reply",
            idempotency_key="r",
            recipient=patient_recipient(patient),
            context={},
        )
        message_send(message_id=reply.pk)
        unprompted = message_send(message_id=_unprompted(patient, "u").pk)
    assert unprompted.status == "sent"
    assert len(outbox.messages) == 2

"""Nobody can make Stride text or email an address without end (issue 13, finding 2): a cap
per recipient per 24 hours that no purpose escapes, and a tighter one on booking-change
texts, so a cancel-and-rebook loop cannot be used to text someone."""

from datetime import timedelta

import pytest
import time_machine

from clinic.messaging.models import Message
from clinic.messaging.recipients import Recipient
from clinic.messaging.services import message_queue, message_send

pytestmark = pytest.mark.django_db

PHONE = "+12025550143"
DAYTIME = "2026-06-10T16:00:00+00:00"


def _send(*, key: str, purpose: str = "intake_result", address: str = PHONE, zone="UTC"):
    channel = "sms" if address.startswith("+") else "email"
    message = message_queue(
        template="sms_opt_in_confirm" if channel == "sms" else "message_fallback",
        purpose=purpose,
        idempotency_key=key,
        recipient=Recipient(channel=channel, address=address, zone=zone),
        context={"text": "Hello"},
        about=f"intake:{key}",
    )
    sent = message_send(message_id=message.pk)
    assert sent is not None
    return sent


def test_a_recipient_gets_at_most_the_daily_cap_whatever_the_purpose(settings):
    settings.MESSAGE_DAILY_CAP = 3
    purposes = ["intake_result", "appointment_reminder", "follow_up", "intake_result"]
    with time_machine.travel(DAYTIME, tick=False):
        sent = [_send(key=f"k{i}", purpose=p) for i, p in enumerate(purposes)]
    assert [m.status for m in sent] == ["sent", "sent", "sent", "skipped"]
    assert "daily message cap" in sent[-1].error


def test_booking_confirmations_are_capped_too(settings):
    settings.MESSAGE_DAILY_CAP = 2
    settings.MESSAGE_BOOKING_TEXTS_PER_DAY = 10
    with time_machine.travel(DAYTIME, tick=False):
        sent = [_send(key=f"b{i}", purpose="appointment_confirmation") for i in range(3)]
    assert [m.status for m in sent] == ["sent", "sent", "skipped"]


def test_a_cancel_and_rebook_loop_sends_only_the_first_booking_texts(settings):
    settings.MESSAGE_DAILY_CAP = 50
    loop = ["appointment_confirmation", "appointment_cancelled"] * 5
    with time_machine.travel(DAYTIME, tick=False):
        sent = [_send(key=f"loop{i}", purpose=p) for i, p in enumerate(loop)]
    statuses = [m.status for m in sent]
    assert statuses[: settings.MESSAGE_BOOKING_TEXTS_PER_DAY] == ["sent", "sent"]
    assert set(statuses[2:]) == {"skipped"}
    assert Message.objects.filter(channel="sms", status="sent").count() == 2


def test_the_cap_is_per_address_and_opens_again_after_a_day(settings):
    settings.MESSAGE_DAILY_CAP = 1
    with time_machine.travel(DAYTIME, tick=False) as clock:
        assert _send(key="a").status == "sent"
        assert _send(key="b").status == "skipped"
        assert _send(key="c", address="+12025550144").status == "sent"
        clock.shift(timedelta(hours=24, minutes=1))
        assert _send(key="d").status == "sent"


def test_the_clinics_own_alerts_are_not_capped(settings):
    settings.MESSAGE_DAILY_CAP = 1
    with time_machine.travel(DAYTIME, tick=False):
        statuses = [
            _send(key=f"s{i}", address="triage@clinic.example", zone="").status for i in range(3)
        ]
    assert statuses == ["sent", "sent", "sent"]


def test_the_cap_has_a_sane_default():
    from django.conf import settings

    assert 3 <= settings.MESSAGE_DAILY_CAP <= 20
    assert 1 <= settings.MESSAGE_BOOKING_TEXTS_PER_DAY < settings.MESSAGE_DAILY_CAP

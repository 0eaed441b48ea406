"""At most one unprompted message a day per recipient (a channel and an address), and
never inside their quiet hours; and a hard cap on all messages a recipient gets in 24
hours, whatever their purpose: decided at send time for a claimed batch."""

import hashlib
from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection

from clinic.messaging.models import Message
from clinic.messaging.quiet_hours import quiet_hours_next_allowed
from clinic.zones import local_day_bounds


class DailyAllowance:
    """One unprompted message per recipient per local day, decided for a whole batch at once.

    The batch's recipients are locked (see `_recipients_lock`) and the day's earlier sends
    read in one query; a message let through here uses the allowance for the rest of the
    batch too. A recipient is a channel and a normalised address, whatever intake it gave.
    """

    def __init__(self, messages: list[Message], now: datetime) -> None:
        self.now = now
        self.earlier: list[tuple[str, str, datetime]] = []
        # No zone: the clinic's own people, who are not held by quiet hours or the allowance.
        unprompted = [m for m in messages if m.unprompted and m.recipient_zone]
        if not unprompted:
            return
        _recipients_lock({(m.channel, m.recipient) for m in unprompted})
        starts, ends = zip(
            *(local_day_bounds(at=now, zone=m.recipient_zone) for m in unprompted),
            strict=True,
        )
        earlier = Message.objects.filter(
            channel__in={m.channel for m in unprompted},
            recipient__in={m.recipient for m in unprompted},
            unprompted=True,
            status__in=[Message.Status.SENDING, Message.Status.SENT],
            attempted_at__gte=min(starts),
            attempted_at__lt=max(ends),
        ).values_list("channel", "recipient", "attempted_at")
        # attempted_at is never null here (the filter bounds it); the check says so to mypy.
        self.earlier = [(channel, to, at) for channel, to, at in earlier if at is not None]

    def later(self, message: Message) -> datetime | None:
        """When an unprompted message must wait: quiet hours, or today's one is used."""
        zone = message.recipient_zone
        if not zone:
            return None
        opens = quiet_hours_next_allowed(at=self.now, zone=zone)
        if opens > self.now:
            return opens
        day_start, day_end = local_day_bounds(at=self.now, zone=zone)
        used_today = any(
            (channel, recipient) == (message.channel, message.recipient)
            and day_start <= attempted_at < day_end
            for channel, recipient, attempted_at in self.earlier
        )
        if used_today:
            return quiet_hours_next_allowed(at=day_end, zone=zone)
        self.earlier.append((message.channel, message.recipient, self.now))
        return None


# Booking changes a patient (or anyone holding their link) can repeat at will: book, cancel,
# book again. Each would text the number on the intake, so texts for them are capped apart.
BOOKING_CHANGE_PURPOSES = frozenset({"appointment_confirmation", "appointment_cancelled"})


class DailyCap:
    """No recipient gets more than MESSAGE_DAILY_CAP messages in 24 hours, whatever the
    purpose (booking confirmations included), nor more than MESSAGE_BOOKING_TEXTS_PER_DAY
    texts about booking changes: a cancel-and-rebook loop cannot be used to text someone.

    Anyone can type any number into the intake form, so the cap holds per address across
    every intake. The clinic's own people (no zone: staff alerts) are not capped. Takes the
    batch's recipient locks; create it before `DailyAllowance` (one lock order).
    """

    def __init__(self, messages: list[Message], now: datetime) -> None:
        self.sent: Counter[tuple[str, str]] = Counter()
        self.booking_texts: Counter[tuple[str, str]] = Counter()
        capped = [m for m in messages if m.recipient_zone]
        if not capped:
            return
        _recipients_lock({(m.channel, m.recipient) for m in capped})
        earlier = Message.objects.filter(
            channel__in={m.channel for m in capped},
            recipient__in={m.recipient for m in capped},
            status__in=[Message.Status.SENDING, Message.Status.SENT],
            attempted_at__gte=now - timedelta(hours=24),
        ).values_list("channel", "recipient", "purpose")
        for channel, recipient, purpose in earlier:
            self._count(channel, recipient, purpose)

    def _count(self, channel: str, recipient: str, purpose: str) -> None:
        self.sent[(channel, recipient)] += 1
        if channel == "sms" and purpose in BOOKING_CHANGE_PURPOSES:
            self.booking_texts[(channel, recipient)] += 1

    def refusal(self, message: Message) -> str:
        """Why this message must not go out ("" if it may, and then it counts)."""
        if not message.recipient_zone:
            return ""
        key = (message.channel, message.recipient)
        if self.sent[key] >= settings.MESSAGE_DAILY_CAP:
            return "daily message cap reached for this recipient"
        booking_text = message.channel == "sms" and message.purpose in BOOKING_CHANGE_PURPOSES
        if booking_text and self.booking_texts[key] >= settings.MESSAGE_BOOKING_TEXTS_PER_DAY:
            return "booking-change texts for today already sent to this recipient"
        self._count(message.channel, message.recipient, message.purpose)
        return ""


def _recipients_lock(recipients: set[tuple[str, str]]) -> None:
    """Two workers never both spend one recipient's daily allowance.

    PostgreSQL transaction-level advisory locks, one per (channel, address), taken in one
    sorted order (so two batches never deadlock) and released at commit. Messaging owns no
    row per recipient to lock. SQLite (the embedded default) has one writer at a time.
    """
    if connection.vendor != "postgresql" or not recipients:
        return
    keys = sorted(
        int.from_bytes(
            hashlib.blake2b(f"{c}:{a}".encode(), digest_size=8).digest(), "big", signed=True
        )
        for c, a in recipients
    )
    with connection.cursor() as cursor:
        # A function scan over the array yields its elements in order: locks go in order.
        cursor.execute("SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS k", [keys])

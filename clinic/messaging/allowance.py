"""At most one unprompted message a day per recipient (a channel and an address), and
never inside their quiet hours: decided at send time for a claimed batch."""

import hashlib
from datetime import datetime

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

"""`manage.py send_due_followups [--now ISO-8601]`: the beat scans, run once by hand.

The follow-up scan and then the messaging pipeline's due-send, both on the same clock: a
check-in held overnight for quiet hours goes out when the command runs with a morning `T`.
"""

from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from clinic.messaging.services import messages_send_due
from clinic.tasking import wait_for_publisher
from intake.follow_ups import followups_send_due


def _instant(value: str) -> datetime:
    parsed = parse_datetime(value)
    if parsed is None:
        raise CommandError(f"--now must be an ISO-8601 date and time, got {value!r}.")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = (
        "Send the follow-ups and reminders that are due, expire unanswered ones, and send "
        "the messages whose time has come, once. --now stands in for the clock (ISO-8601; "
        "without an offset it is UTC)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", type=_instant, default=None)

    def handle(self, *args: object, **options: Any) -> None:
        result = followups_send_due(now=options["now"])
        # Then every message due by the same clock: what this scan queued for now, and
        # what waited (quiet hours, the daily allowance) until `now`.
        published = messages_send_due(now=options["now"])
        # Hand the messages to the broker before this short-lived process exits (if the
        # broker is down, the dispatch scan sends them: the rows are already written).
        wait_for_publisher(timeout=10)
        self.stdout.write(
            f"follow-ups sent: {result.sent}, reminders: {result.reminded}, "
            f"expired: {result.expired}, cancelled: {result.cancelled}, plans: {result.plans}, "
            f"messages due: {published}"
        )

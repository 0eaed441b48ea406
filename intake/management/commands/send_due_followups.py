"""`manage.py send_due_followups [--now ISO-8601]`: the beat scan, run once by hand."""

from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from clinic.tasking import wait_for_publisher
from intake.follow_ups import followups_send_due


def _instant(value: str) -> datetime:
    parsed = parse_datetime(value)
    if parsed is None:
        raise CommandError(f"--now must be an ISO-8601 date and time, got {value!r}.")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = (
        "Send the follow-ups and reminders that are due, and expire unanswered ones, once. "
        "--now stands in for the clock (ISO-8601; without an offset it is UTC)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", type=_instant, default=None)

    def handle(self, *args: object, **options: Any) -> None:
        result = followups_send_due(now=options["now"])
        # Hand the messages to the broker before this short-lived process exits (if the
        # broker is down, the dispatch scan sends them: the rows are already written).
        wait_for_publisher(timeout=10)
        self.stdout.write(
            f"follow-ups sent: {result.sent}, reminders: {result.reminded}, "
            f"expired: {result.expired}, cancelled: {result.cancelled}, plans: {result.plans}"
        )

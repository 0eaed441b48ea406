"""Quiet hours: unprompted messages reach a patient only 09:00–20:00 in their own time zone.

Everything is computed with `zoneinfo` on the patient's local calendar, so "09:00" is 09:00
on the wall clock on both sides of a daylight-saving change (a 23- or 25-hour day).
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings


def zone_of(name: str | None) -> ZoneInfo:
    """The patient's zone, or the clinic's when the stored name is missing or unknown."""
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def _local_at(day, hour: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def quiet_hours_next_allowed(*, at: datetime, zone: str | None) -> datetime:
    """`at` itself when it falls inside the sending window, else the window's next opening."""
    tz = zone_of(zone)
    local = at.astimezone(tz)
    opens, closes = settings.QUIET_HOURS_END, settings.QUIET_HOURS_START
    if opens <= local.hour < closes:
        return at
    day = local.date() if local.hour < opens else local.date() + timedelta(days=1)
    return _local_at(day, opens, tz)


def local_day_bounds(*, at: datetime, zone: str | None) -> tuple[datetime, datetime]:
    """The patient's calendar day around `at`, as a UTC half-open range [start, end)."""
    tz = zone_of(zone)
    day = at.astimezone(tz).date()
    return _local_at(day, 0, tz), _local_at(day + timedelta(days=1), 0, tz)

"""Time zones in one place: the clinic's zone, a patient's zone with its fallback, local days.

Times are stored in UTC; these turn them into wall-clock dates and day ranges with `zoneinfo`,
so a local day is right on both sides of a daylight-saving change (23 or 25 hours).
"""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings


def clinic_zone_name() -> str:
    """The clinic's IANA zone name (settings.TIME_ZONE, from CLINIC_TIME_ZONE)."""
    return settings.TIME_ZONE


def clinic_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def zone_of(name: str | None) -> ZoneInfo:
    """The patient's zone, or the clinic's when the stored name is missing or unknown."""
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return clinic_zone()


@cache
def zone_names() -> frozenset[str]:
    """Every IANA zone name a patient may choose."""
    return frozenset(zoneinfo.available_timezones())


def local_date(moment: datetime, zone: str | None) -> date:
    """The date on the wall calendar of `zone` (a patient's, falling back to the clinic's)."""
    return moment.astimezone(zone_of(zone)).date()


def local_at(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """The UTC instant of `hour`:00 on `day` in `zone`."""
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def local_day_bounds(*, at: datetime, zone: str | None) -> tuple[datetime, datetime]:
    """The local calendar day around `at`, as a UTC half-open range [start, end)."""
    tz = zone_of(zone)
    day = at.astimezone(tz).date()
    return local_at(day, 0, tz), local_at(day + timedelta(days=1), 0, tz)

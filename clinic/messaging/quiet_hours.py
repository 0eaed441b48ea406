"""Quiet hours: unprompted messages reach a patient only 09:00–20:00 in their own time zone.

Everything is computed with `zoneinfo` on the patient's local calendar, so "09:00" is 09:00
on the wall clock on both sides of a daylight-saving change (a 23- or 25-hour day).
"""

from datetime import datetime, timedelta

from django.conf import settings

from clinic.zones import local_at, zone_of


def quiet_hours_next_allowed(*, at: datetime, zone: str | None) -> datetime:
    """`at` itself when it falls inside the sending window, else the window's next opening."""
    tz = zone_of(zone)
    local = at.astimezone(tz)
    opens, closes = settings.QUIET_HOURS_END, settings.QUIET_HOURS_START
    if opens <= local.hour < closes:
        return at
    day = local.date() if local.hour < opens else local.date() + timedelta(days=1)
    return local_at(day, opens, tz)

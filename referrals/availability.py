"""Availability arithmetic: a clinician's weekly hours and exceptions as slot times. Pure.

No Django and no database: it takes anything shaped like the availability rows and returns
minutes and UTC instants, so it is tested with plain values (tests/referrals/
test_availability.py). `referrals.services.slot_generate` turns its answer into Slot rows.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

Window = tuple[int, int]  # minutes since local midnight, [start, end)

# AvailabilityException.Kind's values (referrals.models), spelled here to stay Django-free.
TIME_OFF = "time_off"
EXTRA_HOURS = "extra_hours"


class WeeklyHours(Protocol):
    """What a WeeklyAvailability row gives: a weekday (Monday 0) and its hours."""

    @property
    def weekday(self) -> int: ...
    @property
    def starts(self) -> time: ...
    @property
    def ends(self) -> time: ...


class DayException(Protocol):
    """What an AvailabilityException row gives: time off or extra hours on one date.

    A time-off row without times is the whole day; otherwise both times are set (the
    model's check constraint).
    """

    @property
    def date(self) -> date: ...
    @property
    def kind(self) -> str: ...
    @property
    def starts(self) -> time | None: ...
    @property
    def ends(self) -> time | None: ...


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _times(row: DayException) -> Window:
    # Extra hours and partial time off always have both times (the model's check constraint).
    assert row.starts is not None and row.ends is not None
    return _minutes(row.starts), _minutes(row.ends)


def _merge(windows: list[Window]) -> list[Window]:
    merged: list[Window] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(windows: list[Window], cut: Window) -> list[Window]:
    out: list[Window] = []
    for start, end in windows:
        if cut[1] <= start or cut[0] >= end:
            out.append((start, end))
            continue
        if start < cut[0]:
            out.append((start, cut[0]))
        if cut[1] < end:
            out.append((cut[1], end))
    return out


def day_windows(
    *, day: date, weekly: Iterable[WeeklyHours], exceptions: Iterable[DayException]
) -> list[Window]:
    """A clinician's working windows on one local date: weekly hours, plus extra hours,
    minus time off (a time-off row without times is the whole day)."""
    windows = [(_minutes(w.starts), _minutes(w.ends)) for w in weekly if w.weekday == day.weekday()]
    todays = [e for e in exceptions if e.date == day]
    windows += [_times(extra) for extra in todays if extra.kind == EXTRA_HOURS]
    windows = _merge(windows)
    for off in todays:
        if off.kind != TIME_OFF:
            continue
        if off.starts is None:
            return []
        windows = _subtract(windows, _times(off))
    return windows


def local_instant(day: date, minute: int, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a wall-clock time in `zone`, or None inside a DST gap."""
    naive = datetime.combine(day, time(minute // 60, minute % 60))
    aware = naive.replace(tzinfo=zone)
    instant = aware.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != naive:
        return None  # e.g. 02:30 on the night clocks go forward does not exist
    return instant


def slot_times(
    *,
    weekly: Iterable[WeeklyHours],
    exceptions: Iterable[DayException],
    first_day: date,
    last_day: date,
    zone: ZoneInfo,
    length_minutes: int,
) -> list[tuple[datetime, datetime]]:
    """Every slot (UTC start, end) the availability gives between two local dates.

    Wall-clock hours are laid out per local date in the clinic's zone, so 09:00 stays
    09:00 on both sides of a daylight-saving change while its UTC instant moves.
    """
    weekly, exceptions = list(weekly), list(exceptions)
    length = timedelta(minutes=length_minutes)
    times: list[tuple[datetime, datetime]] = []
    day = first_day
    while day <= last_day:
        for start, end in day_windows(day=day, weekly=weekly, exceptions=exceptions):
            for minute in range(start, end - length_minutes + 1, length_minutes):
                instant = local_instant(day, minute, zone)
                if instant is not None:
                    times.append((instant, instant + length))
        day += timedelta(days=1)
    return times

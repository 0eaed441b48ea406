"""Availability arithmetic, with plain values and no database: weekly hours, extra hours,
time off, slot lengths and daylight-saving changes in the clinic's zone."""

import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from referrals.availability import EXTRA_HOURS, TIME_OFF, day_windows, local_instant, slot_times

ROOT = Path(__file__).resolve().parents[2]
NEW_YORK = ZoneInfo("America/New_York")
WEDNESDAY = date(2026, 12, 2)


@dataclass(frozen=True)
class Weekly:
    weekday: int
    starts: time
    ends: time


@dataclass(frozen=True)
class Exception_:
    date: date
    kind: str
    starts: time | None = None
    ends: time | None = None


NINE_TO_FIVE = [Weekly(weekday=d, starts=time(9), ends=time(17)) for d in range(5)]


def test_a_weekday_gives_its_weekly_hours_and_a_weekend_none():
    assert day_windows(day=WEDNESDAY, weekly=NINE_TO_FIVE, exceptions=[]) == [(540, 1020)]
    assert day_windows(day=date(2026, 12, 5), weekly=NINE_TO_FIVE, exceptions=[]) == []


def test_extra_hours_merge_with_weekly_hours_they_touch():
    extra = [Exception_(WEDNESDAY, EXTRA_HOURS, time(17), time(18))]
    assert day_windows(day=WEDNESDAY, weekly=NINE_TO_FIVE, exceptions=extra) == [(540, 1080)]


def test_partial_time_off_cuts_a_hole_and_a_whole_day_off_leaves_nothing():
    lunch = [Exception_(WEDNESDAY, TIME_OFF, time(12), time(13))]
    assert day_windows(day=WEDNESDAY, weekly=NINE_TO_FIVE, exceptions=lunch) == [
        (540, 720),
        (780, 1020),
    ]
    off = [Exception_(WEDNESDAY, TIME_OFF), Exception_(WEDNESDAY, EXTRA_HOURS, time(7), time(8))]
    assert day_windows(day=WEDNESDAY, weekly=NINE_TO_FIVE, exceptions=off) == []


def test_an_exception_on_another_day_changes_nothing():
    other = [Exception_(date(2026, 12, 3), TIME_OFF)]
    assert day_windows(day=WEDNESDAY, weekly=NINE_TO_FIVE, exceptions=other) == [(540, 1020)]


def test_slots_fill_each_window_and_a_short_remainder_is_not_a_slot():
    weekly = [Weekly(weekday=2, starts=time(9), ends=time(10, 45))]
    times = slot_times(
        weekly=weekly,
        exceptions=[],
        first_day=WEDNESDAY,
        last_day=WEDNESDAY,
        zone=NEW_YORK,
        length_minutes=30,
    )
    assert [start for start, _ in times] == [
        datetime(2026, 12, 2, 14, 0, tzinfo=UTC),
        datetime(2026, 12, 2, 14, 30, tzinfo=UTC),
        datetime(2026, 12, 2, 15, 0, tzinfo=UTC),
    ]
    assert all((end - start).total_seconds() == 1800 for start, end in times)


def test_wall_clock_hours_hold_across_a_daylight_saving_change():
    # Clocks go forward on Sunday 8 March 2026 in New York: 09:00 moves from 14:00 to 13:00 UTC.
    weekly = [Weekly(weekday=d, starts=time(9), ends=time(9, 30)) for d in range(7)]
    times = slot_times(
        weekly=weekly,
        exceptions=[],
        first_day=date(2026, 3, 7),
        last_day=date(2026, 3, 8),
        zone=NEW_YORK,
        length_minutes=30,
    )
    assert [start for start, _ in times] == [
        datetime(2026, 3, 7, 14, 0, tzinfo=UTC),
        datetime(2026, 3, 8, 13, 0, tzinfo=UTC),
    ]


def test_a_wall_clock_time_inside_the_daylight_saving_gap_does_not_exist():
    assert local_instant(date(2026, 3, 8), 2 * 60 + 30, NEW_YORK) is None
    assert local_instant(date(2026, 3, 8), 3 * 60, NEW_YORK) == datetime(
        2026, 3, 8, 7, 0, tzinfo=UTC
    )


def test_it_imports_without_django():
    code = (
        "import sys; import referrals.availability; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)

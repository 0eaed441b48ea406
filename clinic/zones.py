"""Time zones in one place: the clinic's zone, a patient's zone with its fallback, local days.

Times are stored in UTC; these turn them into wall-clock dates and day ranges with `zoneinfo`,
so a local day is right on both sides of a daylight-saving change (23 or 25 hours).
"""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.core import get_global
from babel.dates import get_timezone_location, get_timezone_name
from django.conf import settings

from clinic import locales
from clinic.locales import babel_locale

# Everyday names babel (CLDR) words otherwise: "United Kingdom Time" is "UK time" at home
# (in English; other languages take CLDR's own name, "hora de Reino Unido").
ZONE_NAMES_SAID: dict[str, str] = {"Europe/London": "UK time"}


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


@cache
def _zone_label(name: str, locale: str) -> str:
    if name in ZONE_NAMES_SAID and locale.startswith("en"):
        return ZONE_NAMES_SAID[name]
    try:
        said = get_timezone_name(name, locale=locale)
    except LookupError:
        said = ""
    if not said or "Unknown Region" in said or "(" in said:
        return name.replace("_", " ")  # babel has no everyday name: the IANA one, readable
    return said


def zone_label(name: str | None) -> str:
    """A zone by its everyday name, in the clinic's locale: "Eastern Time", "UK time"
    (babel's generic CLDR names; the IANA name when CLDR has none)."""
    return _zone_label(zone_of(name).key, babel_locale())


def zone_territory(name: str) -> str | None:
    """The country a zone belongs to (CLDR), or None for aliases and UTC."""
    territory: str | None = get_global("zone_territories").get(name)
    return territory


@cache
def _zone_choices(clinic: str, locale: str) -> tuple[tuple[str, str], ...]:
    home = zone_territory(clinic)
    choices = []
    for name in zone_names():
        said = _zone_label(name, locale)
        city = get_timezone_location(name, locale=locale, return_city=True)
        plain = city in said or "/" in city or said == name.replace("_", " ")
        label = said if plain else f"{said} ({city})"
        rank = 0 if name == clinic else 1 if home and zone_territory(name) == home else 2
        choices.append(((rank, label if rank < 2 else name), name, label))
    return tuple((name, label) for _key, name, label in sorted(choices))


def zone_choices() -> list[tuple[str, str]]:
    """The time-zone picker: the clinic's zone, then its country's, then every other zone;
    each labelled "Eastern Time (New York)"."""
    return list(_zone_choices(clinic_zone_name(), babel_locale()))


def when_text(value: datetime, zone_name: str) -> str:
    """`Tuesday 1 December 2026, 9:00 am (UK time)`: an instant on the patient's own clock,
    written the clinic's way (en-US: `Tuesday, December 1, 2026, 9:00 AM (Eastern Time)`).
    The one wording of an appointment's time: booking, messages, the result page, the sheet."""
    zone = zone_of(zone_name)
    local = value.astimezone(zone)
    return f"{locales.date_text(local)}, {locales.time_text(local)} ({zone_label(zone.key)})"

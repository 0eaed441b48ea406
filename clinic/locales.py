"""The clinic's conventions (CLINIC_LOCALE) in one place: every date, time, distance and
spelling Python writes goes through here; templates use Django's `date`/`time` filters with
the named formats, or the filters in clinic/templatetags/locale_format.py.

The formats live in clinic/formats/<locale>/formats.py (FORMAT_MODULE_PATH); Django reads
its own names (DATE_FORMAT, TIME_FORMAT, ...) and `local_format` reads ours from the same
modules, for the active language (settings.LANGUAGE_CODE, derived from CLINIC_LOCALE).
"""

import re
from datetime import date, datetime
from importlib import import_module
from typing import Any

from django.conf import settings
from django.utils import dateformat, formats, translation
from django.utils.translation import ngettext

KM_PER_MILE = 1.609344
_FALLBACK = "clinic.formats.en_GB.formats"
_KM = re.compile(r"\b(\d+(?:\.\d+)?) km\b")


def language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def babel_locale() -> str:
    """The locale as babel spells it ("en_US")."""
    return translation.to_locale(language())


def local_format(name: str) -> Any:
    """A value from the active locale's formats module: Django's named formats and ours."""
    if name in formats.FORMAT_SETTINGS:
        return formats.get_format(name)
    for module in formats.get_format_modules(lang=language()):
        if hasattr(module, name):
            return getattr(module, name)
    return getattr(import_module(_FALLBACK), name)


def date_text(value: date | datetime, name: str = "DATE_FORMAT") -> str:
    """`value` (already in the zone it should be read in) in the named format."""
    return dateformat.format(value, local_format(name))


def time_text(value: datetime) -> str:
    return dateformat.format(value, local_format("TIME_FORMAT"))


def time_range_text(start: Any, end: Any) -> str:
    """ "8:00 am–6:00 pm" from two times of day."""
    return f"{time_text(start)}–{time_text(end)}"


def paper_size() -> str:
    """The advice sheet's page: "A4" or "Letter"."""
    return str(local_format("PAPER_SIZE"))


def uses_miles() -> bool:
    return local_format("DISTANCE_UNIT") == "mi"


def miles_text(km: float) -> str:
    """A distance in km as a US reader would say it: "about 19 miles", "about 500 miles"."""
    miles = km / KM_PER_MILE
    rounded = round(miles, -1) if miles >= 100 else max(round(miles), 1 if km > 0 else 0)
    count = int(rounded)
    return ngettext("about %(count)s mile", "about %(count)s miles", count) % {"count": count}


def with_miles(text: str) -> str:
    """In a miles locale, "over 800 km" reads "over 800 km (about 500 miles)". The clinical
    text and its threshold stay in km, as written; only the reading aid is added."""
    if not uses_miles():
        return text
    return _KM.sub(lambda m: f"{m.group(0)} ({miles_text(float(m.group(1)))})", text)


def spelled(text: str) -> str:
    """The locale's spelling of words the text writes the British way ("centre")."""
    for british, local in local_format("SPELLINGS").items():
        text = re.sub(rf"\b{british}\b", local, text)
    return text

"""es (Spanish, whatever the clinic's CLINIC_LOCALE): Spanish dates and a 24-hour clock.

Django's own es formats fill in what is not here (clinic/formats/en_GB/formats.py says which
names Django reads). The clinic's units and paper follow its locale, not the language: a US
clinic's Spanish reader gets miles beside km and a Letter sheet, as its English reader does.
"""

from importlib import import_module
from typing import Any

from django.conf import settings
from django.utils.translation import to_locale

DATE_FORMAT = r"l j \d\e F \d\e Y"  # lunes 30 de noviembre de 2026
SHORT_DATE_FORMAT = r"j M Y"  # 30 nov 2026
MONTH_DAY_FORMAT = r"j \d\e F"  # 30 de noviembre
YEAR_MONTH_FORMAT = r"F \d\e Y"
TIME_FORMAT = "G:i"  # 14:00, 9:00
DATETIME_FORMAT = r"j M Y, G:i"  # 30 nov 2026, 14:00
SHORT_DATETIME_FORMAT = r"j M, G:i"  # 30 nov, 14:00
FIRST_DAY_OF_WEEK = 1  # lunes

WEEKDAY_DATE_FORMAT = r"D j M"  # lun 30 nov
LONG_WEEKDAY_DATE_FORMAT = r"l j \d\e F"  # lunes 30 de noviembre
LONG_DATE_FORMAT = r"j \d\e F \d\e Y"  # 30 de noviembre de 2026
WEEKDAY_DATETIME_FORMAT = r"D j M Y, G:i"  # lun 30 nov 2026, 14:00
CHART_TICK_FORMAT = "d/m"  # 30/11

_FROM_THE_CLINIC = ("DISTANCE_UNIT", "PAPER_SIZE")
SPELLINGS: dict[str, str] = {}  # Spanish text: no British/US spellings to change


def __getattr__(name: str) -> Any:
    """DISTANCE_UNIT and PAPER_SIZE: the clinic's (CLINIC_LOCALE), read when asked."""
    if name not in _FROM_THE_CLINIC:
        raise AttributeError(name)
    clinic = import_module(f"clinic.formats.{to_locale(settings.CLINIC_LOCALE)}.formats")
    return getattr(clinic, name)

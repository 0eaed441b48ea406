"""en-GB (CLINIC_LOCALE=en-GB, the default): day before month, "2:00 pm", km, A4.

Django reads the *_FORMAT names it knows through the `date` and `time` filters; the others
(WEEKDAY_*, CHART_TICK_FORMAT, DISTANCE_UNIT, PAPER_SIZE, SPELLINGS) are read by
clinic/locales.py. "a" prints "am"/"pm" through locale/en_GB (Django's own is "a.m.").
"""

DATE_FORMAT = "l j F Y"  # Monday 30 November 2026
SHORT_DATE_FORMAT = "j M Y"  # 30 Nov 2026
MONTH_DAY_FORMAT = "j M"  # 30 Nov
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "g:i a"  # 2:00 pm
DATETIME_FORMAT = "j M Y, g:i a"  # 30 Nov 2026, 2:00 pm
SHORT_DATETIME_FORMAT = "j M, g:i a"  # 30 Nov, 2:00 pm
FIRST_DAY_OF_WEEK = 1  # Monday

WEEKDAY_DATE_FORMAT = "D j M"  # Mon 30 Nov
LONG_WEEKDAY_DATE_FORMAT = "l j F"  # Monday 30 November
LONG_DATE_FORMAT = "j F Y"  # 30 November 2026
WEEKDAY_DATETIME_FORMAT = "D j M Y, g:i a"  # Mon 30 Nov 2026, 2:00 pm
CHART_TICK_FORMAT = "d/m"  # 30/11: a column is 36 px wide

DISTANCE_UNIT = "km"
PAPER_SIZE = "A4"
SPELLINGS: dict[str, str] = {}  # the clinical text is written in British English

"""en-US (CLINIC_LOCALE=en-US): month before day, "2:00 PM", miles, Letter, US spelling.

See clinic/formats/en_GB/formats.py for which names Django reads and which Stride does.
"""

DATE_FORMAT = "l, F j, Y"  # Monday, November 30, 2026
SHORT_DATE_FORMAT = "M j, Y"  # Nov 30, 2026
MONTH_DAY_FORMAT = "M j"  # Nov 30
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "g:i A"  # 2:00 PM
DATETIME_FORMAT = "M j, Y, g:i A"  # Nov 30, 2026, 2:00 PM
SHORT_DATETIME_FORMAT = "M j, g:i A"  # Nov 30, 2:00 PM
FIRST_DAY_OF_WEEK = 0  # Sunday

WEEKDAY_DATE_FORMAT = "D, M j"  # Mon, Nov 30
LONG_WEEKDAY_DATE_FORMAT = "l, F j"  # Monday, November 30
LONG_DATE_FORMAT = "F j, Y"  # November 30, 2026
WEEKDAY_DATETIME_FORMAT = "D, M j, Y, g:i A"  # Mon, Nov 30, 2026, 2:00 PM
CHART_TICK_FORMAT = "n/j"  # 11/30

DISTANCE_UNIT = "mi"
PAPER_SIZE = "Letter"
# Words the clinical text spells the British way, as a US clinic writes them (presentation only).
SPELLINGS: dict[str, str] = {"centre": "center", "Centre": "Center"}

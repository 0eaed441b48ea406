"""Locale filters, built into every template (settings.TEMPLATES "builtins").

Django's own `date` and `time` filters take its named formats ("SHORT_DATETIME_FORMAT");
`local_date` takes ours as well ("WEEKDAY_DATE_FORMAT"), all from clinic/formats/.
"""

from datetime import date, datetime

from django import template
from django.template.defaultfilters import date as date_filter

from clinic import languages, locales, zones

register = template.Library()


@register.filter(expects_localtime=True)
def local_date(value: date | datetime | None, name: str = "DATE_FORMAT") -> str:
    """`{{ when|local_date:"WEEKDAY_DATE_FORMAT" }}`: any format named in clinic/formats/."""
    if value in (None, ""):
        return ""
    return date_filter(value, locales.local_format(name))


@register.filter
def zone_label(name: str | None) -> str:
    """`{{ patient_zone|zone_label }}`: "Eastern Time", "UK time"."""
    return zones.zone_label(name)


@register.filter
def with_miles(text: str) -> str:
    return locales.with_miles(str(text))


@register.filter(is_safe=True)
def spelled(text: str) -> str:
    return locales.spelled(str(text))


@register.filter
def language_plain(code: str | None) -> str:
    """`{{ LANGUAGE_CODE|language_plain }}`: "en" for the clinic's "en-gb", "es" for "es"
    (a patient's stored language, the switch's values, `lang` on a page)."""
    return languages.language_supported(code)

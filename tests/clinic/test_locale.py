"""CLINIC_LOCALE: one setting for dates, times, distances, paper and spelling (clinic/locales.py,
clinic/formats/), and time zones by their everyday names with the likely ones first."""

import io
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from pypdf import PdfReader

from clinic import locales, zones
from dashboard import charts
from dashboard.formatting import answer_with_unit
from dashboard.services import staff_groups_sync
from intake import advice
from intake.forms import IntakeForm
from intake.links import intake_token
from tests.support import factories
from tests.support.staff import PASSWORD


@pytest.fixture
def us_clinic(settings):
    settings.CLINIC_LOCALE = "en-US"
    settings.LANGUAGE_CODE = "en-us"  # clinic/settings.py: LANGUAGE_CODE = CLINIC_LOCALE.lower()
    return settings


@pytest.fixture
def uk_clinic(settings):
    settings.CLINIC_LOCALE = "en-GB"
    settings.LANGUAGE_CODE = "en-gb"
    return settings


MONDAY_2PM = datetime(2026, 11, 30, 14, 0, tzinfo=ZoneInfo("America/New_York"))


def test_a_us_clinic_writes_month_first_and_twelve_hour_capital_times(us_clinic):
    assert locales.date_text(MONDAY_2PM, "MONTH_DAY_FORMAT") == "Nov 30"
    assert locales.date_text(MONDAY_2PM, "WEEKDAY_DATE_FORMAT") == "Mon, Nov 30"
    assert locales.date_text(MONDAY_2PM) == "Monday, November 30, 2026"
    assert locales.time_text(MONDAY_2PM) == "2:00 PM"
    assert locales.date_text(MONDAY_2PM, "SHORT_DATETIME_FORMAT") == "Nov 30, 2:00 PM"


def test_a_uk_clinic_writes_day_first_and_am_pm_in_lower_case(uk_clinic):
    assert locales.date_text(MONDAY_2PM, "MONTH_DAY_FORMAT") == "30 Nov"
    assert locales.date_text(MONDAY_2PM, "WEEKDAY_DATE_FORMAT") == "Mon 30 Nov"
    assert locales.date_text(MONDAY_2PM) == "Monday 30 November 2026"
    assert locales.time_text(MONDAY_2PM) == "2:00 pm"
    assert locales.time_range_text(time(8), time(18)) == "8:00 am–6:00 pm"


def test_the_default_locale_is_en_gb():
    from django.conf import settings

    assert settings.CLINIC_LOCALE == "en-GB" and settings.LANGUAGE_CODE == "en-gb"
    assert locales.paper_size() == "A4" and not locales.uses_miles()


def test_a_us_clinic_reads_km_with_miles_beside_them_and_the_clinical_km_unchanged(us_clinic):
    factor = "Shoes not made for running, or worn (over 800 km)"
    assert locales.with_miles(factor) == (
        "Shoes not made for running, or worn (over 800 km (about 500 miles))"
    )
    assert answer_with_unit("weekly_km", 30) == "30 km (about 19 miles) a week"
    assert answer_with_unit("shoe_km", 1.5) == "1.5 km (about 1 mile)"


def test_a_uk_clinic_reads_km_only(uk_clinic):
    assert answer_with_unit("weekly_km", 30) == "30 km a week"
    assert locales.with_miles("over 800 km") == "over 800 km"


def test_a_us_clinic_spells_centre_center_and_a_uk_clinic_keeps_it(settings):
    text = "an urgent-care centre or an emergency department"
    settings.LANGUAGE_CODE = "en-us"
    assert locales.spelled(text) == "an urgent-care center or an emergency department"
    settings.LANGUAGE_CODE = "en-gb"
    assert locales.spelled(text) == text


def test_zones_are_named_as_people_say_them_in_each_locale(settings):
    settings.LANGUAGE_CODE = "en-us"
    assert zones.zone_label("America/New_York") == "Eastern Time"
    assert zones.zone_label("America/Los_Angeles") == "Pacific Time"
    assert zones.zone_label("Europe/London") == "UK time"
    settings.LANGUAGE_CODE = "en-gb"
    assert zones.zone_label("America/Chicago") == "Central Time"
    assert zones.zone_label("Etc/GMT+5") == "Etc/GMT+5"  # no everyday name: the IANA one
    assert zones.zone_label("Not/AZone") == zones.zone_label(settings.TIME_ZONE)


def test_the_picker_lists_the_clinics_zone_then_its_countrys_then_the_rest(settings):
    settings.TIME_ZONE = "America/New_York"
    settings.LANGUAGE_CODE = "en-us"
    names = [name for name, _label in zones.zone_choices()]
    assert names[0] == "America/New_York"
    us = {"America/Chicago", "America/Denver", "America/Los_Angeles", "Pacific/Honolulu"}
    last_us = max(names.index(z) for z in us)
    assert names.index("Europe/London") > last_us and names.index("Asia/Tokyo") > last_us
    assert dict(zones.zone_choices())["America/Los_Angeles"] == "Pacific Time (Los Angeles)"
    assert len(names) == len(zones.zone_names())  # every zone is still offered

    settings.TIME_ZONE = "Europe/London"
    settings.LANGUAGE_CODE = "en-gb"
    form_choices = IntakeForm().fields["timezone"].choices
    assert form_choices[0] == ("Europe/London", "UK time (London)")


def test_the_weekly_chart_axis_follows_the_locale(settings):
    weeks = [{"week": date(2026, 11, 30), "counts": {"assessment": 2}, "total": 2}]
    settings.LANGUAGE_CODE = "en-us"
    chart = charts.weekly_columns(weeks)
    assert [tick["text"] for tick in chart.get("ticks")] == ["11/30"]
    assert chart["rects"][0].title.startswith("Week of Nov 30:")
    settings.LANGUAGE_CODE = "en-gb"
    chart = charts.weekly_columns(weeks)
    assert [tick["text"] for tick in chart["ticks"]] == ["30/11"]
    assert chart["rects"][0].title.startswith("Week of 30 Nov:")


def page_size(pdf: bytes) -> tuple[int, int]:
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


@pytest.mark.django_db
def test_the_advice_sheet_is_letter_for_a_us_clinic_and_a4_for_a_uk_one(settings):
    intake = factories.make_intake(duration_days=10)
    settings.LANGUAGE_CODE = "en-gb"
    assert page_size(advice.advice_sheet_pdf(intake.outcome)) == (595, 842)  # A4 in points
    settings.LANGUAGE_CODE = "en-us"
    assert 'href="advice/paper-letter.css"' in advice.advice_sheet_html(intake.outcome)
    assert page_size(advice.advice_sheet_pdf(intake.outcome)) == (612, 792)  # US Letter


@pytest.mark.django_db
def test_a_us_patients_result_page_gives_the_check_in_the_us_way(client, us_clinic):
    with time_machine.travel("2026-11-25 15:00:00Z", tick=False):
        intake = factories.make_intake(
            duration_days=10, patient_overrides={"timezone": "America/Los_Angeles"}
        )
        html = client.get(f"/intake/r/{intake_token(intake)}/").content.decode()
    assert "Wednesday, December 2" in html
    assert "(Pacific Time)" in html


@pytest.mark.django_db
def test_a_us_clinics_staff_queue_shows_month_first_and_twelve_hour_times(client, us_clinic):
    us_clinic.TIME_ZONE = "America/New_York"
    user = get_user_model().objects.create_user("dr.locale", password=PASSWORD)
    user.groups.add(staff_groups_sync()["clinician"])
    with time_machine.travel("2026-11-25 19:05:00Z", tick=False):
        factories.make_intake(duration_days=10)
        client.force_login(user)
        html = client.get("/staff/").content.decode()
    assert "Nov 25, 2:05 PM" in html
    assert "25 Nov, 2:05 pm" not in html and ">25 Nov 14:05<" not in html

"""The one time-zone module: the clinic's zone, a patient's zone with its fallback, local days."""

from datetime import UTC, datetime

from clinic import zones


def test_the_clinic_zone_is_the_settings_time_zone(settings):
    settings.TIME_ZONE = "Europe/Madrid"
    assert zones.clinic_zone_name() == "Europe/Madrid"
    assert zones.clinic_zone().key == "Europe/Madrid"


def test_a_patient_zone_falls_back_to_the_clinic_when_missing_or_unknown(settings):
    settings.TIME_ZONE = "America/New_York"
    assert zones.zone_of("Europe/London").key == "Europe/London"
    assert zones.zone_of(None).key == "America/New_York"
    assert zones.zone_of("").key == "America/New_York"
    assert zones.zone_of("Mars/Olympus_Mons").key == "America/New_York"
    assert zones.zone_of("../etc/passwd").key == "America/New_York"


def test_a_local_date_is_the_patients_calendar_day():
    late_evening_in_new_york = datetime(2026, 11, 26, 3, 30, tzinfo=UTC)
    assert zones.local_date(late_evening_in_new_york, "America/New_York").isoformat() == (
        "2026-11-25"
    )
    assert zones.local_date(late_evening_in_new_york, "Europe/London").isoformat() == ("2026-11-26")


def test_local_day_bounds_are_a_23_hour_day_when_clocks_go_forward():
    start, end = zones.local_day_bounds(
        at=datetime(2026, 3, 29, 12, 0, tzinfo=UTC), zone="Europe/London"
    )
    assert (start, end) == (
        datetime(2026, 3, 29, 0, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 23, 0, tzinfo=UTC),
    )


def test_the_zone_names_hold_the_iana_names_only():
    assert "Europe/London" in zones.zone_names()
    assert "Mars/Olympus_Mons" not in zones.zone_names()

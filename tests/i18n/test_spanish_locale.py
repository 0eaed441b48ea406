"""Spanish gets Spanish dates, times and zone names; English keeps the clinic's own locale;
the clinic's units (miles beside km in a US clinic) hold in both languages."""

from datetime import datetime
from zoneinfo import ZoneInfo

from clinic import languages, locales, zones

TUESDAY_430PM = datetime(2026, 12, 1, 16, 30, tzinfo=ZoneInfo("Europe/London"))


def test_a_time_is_written_the_spanish_way_in_spanish_and_the_clinics_way_in_english(settings):
    with languages.override("es"):
        assert zones.when_text(TUESDAY_430PM, "Europe/London") == (
            "martes 1 de diciembre de 2026, 16:30 (hora de Reino Unido)"
        )
        assert zones.zone_label("America/New_York") == "hora oriental"
    with languages.override("en"):
        assert zones.when_text(TUESDAY_430PM, "Europe/London") == (
            "Tuesday 1 December 2026, 4:30 pm (UK time)"
        )
    settings.CLINIC_LOCALE, settings.LANGUAGE_CODE = "en-US", "en-us"
    with languages.override("en"):
        assert zones.zone_label("America/New_York") == "Eastern Time"
        assert "4:30 PM" in zones.when_text(TUESDAY_430PM, "Europe/London")


def test_english_is_activated_as_the_clinics_variant_and_stored_as_plain_en(settings):
    assert languages.django_language("en") == "en-gb"
    assert languages.django_language("es-MX") == "es"
    assert languages.language_supported("en-US") == "en"
    assert languages.language_supported("fr") == "en"
    settings.LANGUAGE_CODE = "en-us"
    assert languages.django_language("en") == "en-us"


def test_a_us_clinic_gives_miles_beside_km_in_spanish_too(settings):
    with languages.override("es"):
        assert locales.with_miles("más de 800 km") == "más de 800 km"  # a UK clinic: km
        assert locales.paper_size() == "A4"
    settings.CLINIC_LOCALE, settings.LANGUAGE_CODE = "en-US", "en-us"
    with languages.override("es"):
        assert locales.with_miles("más de 800 km") == "más de 800 km (aproximadamente 500 millas)"
        assert locales.paper_size() == "Letter"

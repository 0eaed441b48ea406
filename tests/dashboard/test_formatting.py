"""dashboard/formatting.py: message kinds in words, units, phone numbers."""

import pytest

from dashboard.formatting import answer_with_unit, message_label, phone_display


def test_every_message_template_has_a_label_in_words():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    names = {p.name.split("-")[0] for p in (root / "emails").glob("*-subject.txt")}
    names |= {p.stem for p in (root / "sms").glob("*.txt")}
    for name in names:
        assert message_label(name) != name, f"{name} has no label"


def test_an_unknown_template_still_reads_as_words():
    assert message_label("some_new_thing") == "Some new thing"


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("duration_days", 21, "21 days"),
        ("duration_days", 1, "1 day"),
        ("age", 34, "34 years"),
        ("weekly_km", 30, "30 km a week"),
        ("weekly_km", 12.5, "12.5 km a week"),
        ("pain_now", 3, "3 out of 10"),
        ("shoe_km", 300, "300 km"),
        ("cadence_spm", 175, "175 steps a minute"),
        ("knee", "left", "left"),
    ],
)
def test_figures_carry_their_unit(key, value, shown):
    assert answer_with_unit(key, value) == shown


def test_a_home_number_is_national_and_a_foreign_one_international(settings):
    settings.DEFAULT_PHONE_REGION = "US"
    assert phone_display("+12025550143") == "(202) 555-0143"
    assert phone_display("+447700900123") == "+44 7700 900123"
    settings.DEFAULT_PHONE_REGION = "GB"
    assert phone_display("+447700900123") == "07700 900123"


def test_an_unreadable_number_is_shown_as_stored():
    assert phone_display("call me") == "call me"
    assert phone_display("") == ""

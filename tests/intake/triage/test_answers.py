"""Checking raw answers (spec section 1): strict types, ranges, defaults, every error at once."""

import json
import math

import pytest

from intake.triage import UNDER_12_MESSAGE, AnswerError, answers_json_schema, clean_answers
from tests.intake.triage import REQUIRED


def errors_for(**overrides) -> dict[str, list[str]]:
    with pytest.raises(AnswerError) as caught:
        clean_answers({**REQUIRED, **overrides})
    return caught.value.errors


def test_it_fills_the_spec_defaults_for_missing_optional_answers():
    assert clean_answers(REQUIRED) == {
        "red_flags": [],
        "knee": "left",
        "pain_locations": ["back"],
        "pain_triggers": [],
        "run_onset": None,
        "eases_when_stopping": False,
        "injury_event": "none_gradual",
        "symptoms": [],
        "pain_now": 3,
        "pain_worst_week": None,
        "duration_days": 3,
        "age": 30,
        "weekly_km": None,
        "recent_increase": False,
        "shoe_km": None,
        "running_specific_shoes": True,
        "surfaces": [],
        "foot_rolls_inward": "unsure",
        "cadence_spm": None,
    }


def test_it_keeps_every_valid_answer_given():
    full = {
        **REQUIRED,
        "knee": "both",
        "pain_locations": ["under_kneecap", "outside"],
        "pain_triggers": ["running", "night"],
        "run_onset": "after_long_run",
        "eases_when_stopping": True,
        "injury_event": "direct_blow_or_fall",
        "symptoms": ["clicking"],
        "pain_worst_week": 10,
        "weekly_km": 42.5,
        "recent_increase": True,
        "shoe_km": 0,
        "running_specific_shoes": False,
        "surfaces": ["trail"],
        "foot_rolls_inward": "no",
        "cadence_spm": 230,
        "red_flags": ["numb_cold_foot"],
    }
    assert clean_answers(full) == full


def test_it_puts_list_answers_in_the_questions_order():
    cleaned = clean_answers({**REQUIRED, "pain_triggers": ["night", "running", "stairs"]})
    assert cleaned["pain_triggers"] == ["running", "stairs", "night"]


def test_it_gives_the_same_answers_back_when_cleaned_twice():
    # run_onset, pain_worst_week and weekly_km are given: missing they are stored as null,
    # which the spec does not let a client send.
    raw = {
        **REQUIRED,
        "symptoms": ["swelling", "locking"],
        "shoe_km": 12.5,
        "run_onset": "from_start",
        "pain_worst_week": 4,
        "weekly_km": 20,
    }
    once = clean_answers(raw)
    assert clean_answers(once) == once


def test_it_does_not_change_the_raw_answers():
    raw = {**REQUIRED, "pain_locations": ["outside", "under_kneecap"]}
    before = json.dumps(raw)
    clean_answers(raw)
    assert json.dumps(raw) == before


def test_it_returns_lists_it_does_not_share_with_the_rules():
    first = clean_answers(REQUIRED)
    first["symptoms"].append("locking")
    assert clean_answers(REQUIRED)["symptoms"] == []


# --- Refusals ---------------------------------------------------------------------------------


def test_it_refuses_an_unknown_field():
    assert errors_for(favourite_colour="blue") == {"favourite_colour": ["Unknown field."]}


def test_it_refuses_an_unknown_non_text_key():
    with pytest.raises(AnswerError) as caught:
        clean_answers({**REQUIRED, 7: "x"})
    assert caught.value.errors == {"7": ["Unknown field."]}


@pytest.mark.parametrize("raw", [None, [], "answers", 42, [("knee", "left")]])
def test_it_refuses_answers_that_are_not_an_object(raw):
    with pytest.raises(AnswerError) as caught:
        clean_answers(raw)
    assert list(caught.value.errors) == ["answers"]


@pytest.mark.parametrize(
    "key", ["knee", "pain_locations", "pain_now", "duration_days", "age", "red_flags"]
)
def test_it_requires_each_required_answer(key):
    raw = {k: v for k, v in REQUIRED.items() if k != key}
    with pytest.raises(AnswerError) as caught:
        clean_answers(raw)
    assert caught.value.errors == {key: ["This field is required."]}


WRONG_TYPES = {
    "knee-number": ("knee", 1),
    "knee-upper-case": ("knee", "LEFT"),
    "pain_now-text": ("pain_now", "5"),
    "pain_now-float": ("pain_now", 5.0),
    "pain_now-true": ("pain_now", True),
    "age-false": ("age", False),
    "cadence-float": ("cadence_spm", 170.5),
    "weekly_km-text": ("weekly_km", "30"),
    "weekly_km-true": ("weekly_km", True),
    "shoe_km-nan": ("shoe_km", math.nan),
    "shoe_km-infinity": ("shoe_km", math.inf),
    "eases-text": ("eases_when_stopping", "yes"),
    "eases-one": ("eases_when_stopping", 1),
    "shoes-zero": ("running_specific_shoes", 0),
    "locations-text": ("pain_locations", "under_kneecap"),
    "locations-tuple": ("pain_locations", ("under_kneecap",)),
    "locations-object": ("pain_locations", {"under_kneecap": True}),
    "red_flags-false": ("red_flags", False),
    "symptoms-number-items": ("symptoms", [1]),
    "symptoms-list-items": ("symptoms", [["locking"]]),
    "onset-object": ("run_onset", {"a": 1}),
}


@pytest.mark.parametrize(("key", "value"), WRONG_TYPES.values(), ids=WRONG_TYPES.keys())
def test_it_refuses_a_value_of_the_wrong_type(key, value):
    errors = errors_for(**{key: value})
    assert list(errors) == [key]
    assert errors[key]


def test_it_says_what_a_whole_number_is_when_given_a_bool():
    assert errors_for(pain_now=True) == {"pain_now": ["Must be a whole number."]}


def test_it_accepts_a_fraction_where_the_spec_says_number():
    cleaned = clean_answers({**REQUIRED, "weekly_km": 12.5, "shoe_km": 799.9})
    assert (cleaned["weekly_km"], cleaned["shoe_km"]) == (12.5, 799.9)


RANGES = {
    "pain_now": (0, 10),
    "pain_worst_week": (0, 10),
    "duration_days": (0, 3650),
    "age": (12, 110),
    "weekly_km": (0, 400),
    "shoe_km": (0, 10000),
    "cadence_spm": (100, 230),
}


@pytest.mark.parametrize(("key", "bounds"), RANGES.items(), ids=RANGES.keys())
def test_it_accepts_both_ends_of_each_range(key, bounds):
    for value in bounds:
        assert clean_answers({**REQUIRED, key: value})[key] == value


@pytest.mark.parametrize(("key", "bounds"), RANGES.items(), ids=RANGES.keys())
def test_it_refuses_a_value_just_outside_each_end_of_the_range(key, bounds):
    low, high = bounds
    range_message = f"Must be between {low} and {high}."
    # Section 9: a child under 12 is told kindly that the service is not for them.
    below = UNDER_12_MESSAGE if key == "age" else range_message
    assert errors_for(**{key: low - 1}) == {key: [below]}
    assert errors_for(**{key: high + 1}) == {key: [range_message]}


@pytest.mark.parametrize("age", [0, 5, 11])
def test_it_refuses_any_age_under_12_with_the_kind_message(age):
    assert errors_for(age=age) == {"age": [UNDER_12_MESSAGE]}


def test_it_refuses_a_fraction_just_outside_a_number_range():
    assert list(errors_for(weekly_km=400.01)) == ["weekly_km"]
    assert list(errors_for(shoe_km=-0.5)) == ["shoe_km"]


def test_it_refuses_an_empty_list_of_pain_locations():
    assert errors_for(pain_locations=[]) == {"pain_locations": ["Choose at least one."]}


def test_it_refuses_an_unknown_pain_location():
    errors = errors_for(pain_locations=["under_kneecap", "ankle"])
    assert list(errors) == ["pain_locations"]
    assert errors["pain_locations"][0].startswith("Contains an unknown choice")


def test_it_refuses_an_unknown_red_flag():
    assert list(errors_for(red_flags=["chest_pain"])) == ["red_flags"]


def test_it_stores_a_repeated_choice_once():
    # Section 1: "A value repeated in a list counts once (it is stored once)."
    cleaned = clean_answers({**REQUIRED, "pain_triggers": ["running", "stairs", "running"]})
    assert cleaned["pain_triggers"] == ["running", "stairs"]
    cleaned = clean_answers({**REQUIRED, "red_flags": ["fever_unwell", "fever_unwell"]})
    assert cleaned["red_flags"] == ["fever_unwell"]


def test_it_still_refuses_an_unknown_choice_among_repeats():
    assert list(errors_for(pain_triggers=["running", "running", "dancing"])) == ["pain_triggers"]


def test_it_accepts_an_empty_red_flag_list_meaning_none_of_these():
    assert clean_answers(REQUIRED)["red_flags"] == []


def test_it_refuses_null_red_flags():
    assert errors_for(red_flags=None) == {"red_flags": ["This field may not be null."]}


@pytest.mark.parametrize(
    "key",
    [
        "knee",
        "pain_locations",
        "pain_now",
        "age",
        "symptoms",
        "eases_when_stopping",
        "injury_event",
        "running_specific_shoes",
        # Missing, these are stored as null; sent as null they are refused (section 1).
        "run_onset",
        "pain_worst_week",
        "weekly_km",
        "duration_days",
        "red_flags",
    ],
)
def test_it_refuses_null_where_the_spec_does_not_allow_it(key):
    assert errors_for(**{key: None}) == {key: ["This field may not be null."]}


@pytest.mark.parametrize("key", ["shoe_km", "cadence_spm"])
def test_it_accepts_null_where_the_answer_may_be_unknown(key):
    assert clean_answers({**REQUIRED, key: None})[key] is None


def test_it_collects_every_error_at_once():
    raw = {
        "knee": "middle",
        "pain_locations": [],
        "pain_now": 11,
        "duration_days": "a week",
        "age": True,
        "symptoms": ["locking", "cramp"],
        "cadence_spm": 99.5,
        "shoe_size": 42,
    }
    with pytest.raises(AnswerError) as caught:
        clean_answers(raw)
    assert set(caught.value.errors) == {
        "knee",
        "pain_locations",
        "pain_now",
        "duration_days",
        "age",
        "red_flags",
        "symptoms",
        "cadence_spm",
        "shoe_size",
    }


def test_it_never_repeats_the_submitted_value_in_its_messages():
    secret = "my knee hurts since my divorce"
    with pytest.raises(AnswerError) as caught:
        clean_answers({**REQUIRED, "knee": secret, "symptoms": [secret]})
    assert secret not in json.dumps(caught.value.errors)
    assert secret not in str(caught.value)


# --- The JSON Schema --------------------------------------------------------------------------


@pytest.fixture
def jsonschema():
    # A dev dependency (through schemathesis), not the engine's.
    return pytest.importorskip("jsonschema")


def test_it_describes_the_answers_as_a_closed_json_schema(jsonschema):
    schema = answers_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["additionalProperties"] is False
    assert sorted(schema["required"]) == sorted(REQUIRED)
    assert schema["properties"]["pain_now"] == {
        "description": "Pain right now (0 = none, 10 = worst imaginable)",
        "type": "integer",
        "minimum": 0,
        "maximum": 10,
    }
    assert schema["properties"]["cadence_spm"]["type"] == ["integer", "null"]
    assert schema["properties"]["pain_locations"]["minItems"] == 1
    assert schema["properties"]["foot_rolls_inward"]["default"] == "unsure"
    assert schema["properties"]["knee"]["enum"] == ["left", "right", "both"]


def test_it_gives_a_fresh_schema_each_time():
    answers_json_schema()["properties"].clear()
    assert answers_json_schema()["properties"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"pain_now": 11},
        {"pain_now": True},
        {"pain_locations": []},
        {"pain_locations": ["under_kneecap", "kneecap"]},
        {"run_onset": None},
        {"pain_worst_week": None},
        {"age": 11},
        {"knee": None},
        {"running_specific_shoes": None},
        {"red_flags": ["chest_pain"]},
        {"extra": 1},
    ],
)
def test_it_has_a_schema_that_refuses_what_clean_answers_refuses(jsonschema, overrides):
    raw = {**REQUIRED, **overrides}
    with pytest.raises(AnswerError):
        clean_answers(raw)
    assert not jsonschema.Draft202012Validator(answers_json_schema()).is_valid(raw)

"""Scoring, urgency, advice and red flags, checked against knee-triage.md by hand."""

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from intake.triage import (
    ADVICE,
    DISCLAIMER,
    FACTORS,
    PATTERNS,
    QUESTIONS,
    RED_FLAGS,
    RULES_VERSION,
    SIGNS,
    engine,
    evaluate,
    rules,
)
from tests.intake.triage import answers

ROOT = Path(__file__).resolve().parents[3]
SPEC = ROOT.parent / "shared" / "clinical" / "knee-triage.md"

SEVEN_RED_FLAGS = [
    "cannot_bear_weight",
    "hot_swollen_fever",
    "calf_swelling_pain",
    "numb_cold_foot",
    "deformity_after_injury",
    "cannot_straighten",
    "night_pain_weight_loss",
]

# A runner's-knee answer set that alone would be self-care: under the kneecap, on stairs.
RUNNERS_KNEE = {"pain_locations": ["under_kneecap"], "pain_triggers": ["stairs"]}


# --- Section 3: every sign of every pattern ---------------------------------------------------

SIGN_CASES = [
    ("runners_knee", "location_under_kneecap", 3, {"pain_locations": ["under_kneecap"]}),
    ("runners_knee", "trigger_stairs", 1, {"pain_triggers": ["stairs"]}),
    ("runners_knee", "trigger_running", 1, {"pain_triggers": ["running"]}),
    ("runners_knee", "trigger_squatting", 1, {"pain_triggers": ["squatting"]}),
    ("patellar_tendinitis", "location_below_kneecap", 3, {"pain_locations": ["below_kneecap"]}),
    ("patellar_tendinitis", "trigger_running", 1, {"pain_triggers": ["running"]}),
    ("patellar_tendinitis", "trigger_squatting", 1, {"pain_triggers": ["squatting"]}),
    ("it_band_syndrome", "location_outside", 3, {"pain_locations": ["outside"]}),
    ("it_band_syndrome", "onset_after_few_minutes", 1, {"run_onset": "after_few_minutes"}),
    ("it_band_syndrome", "eases_when_stopping", 1, {"eases_when_stopping": True}),
    ("it_band_syndrome", "surface_banked_or_cambered", 1, {"surfaces": ["banked_or_cambered"]}),
    ("meniscus_tear", "symptom_locking", 3, {"symptoms": ["locking"]}),
    ("meniscus_tear", "injury_twist_or_pivot", 2, {"injury_event": "twist_or_pivot"}),
    ("meniscus_tear", "location_all_over", 1, {"pain_locations": ["all_over"]}),
    ("meniscus_tear", "trigger_at_rest", 1, {"pain_triggers": ["at_rest"]}),
    ("meniscus_tear", "symptom_stiffness", 1, {"symptoms": ["stiffness"]}),
    ("osteoarthritis", "trigger_walking", 1, {"pain_triggers": ["walking"]}),
    ("osteoarthritis", "trigger_sitting_long", 1, {"pain_triggers": ["sitting_long"]}),
    ("osteoarthritis", "trigger_stairs", 1, {"pain_triggers": ["stairs"]}),
    ("osteoarthritis", "symptom_swelling", 1, {"symptoms": ["swelling"]}),
    ("osteoarthritis", "stiffness_or_morning_stiffness", 1, {"symptoms": ["stiffness"]}),
    ("osteoarthritis", "stiffness_or_morning_stiffness", 1, {"symptoms": ["morning_stiffness"]}),
    ("osteoarthritis", "gradual_onset_age_50_plus", 1, {"age": 50}),
]


@pytest.mark.parametrize(
    ("pattern", "sign", "points", "overrides"),
    SIGN_CASES,
    ids=[f"{p}-{s}-{'-'.join(map(str, o.values()))}" for p, s, _, o in SIGN_CASES],
)
def test_it_scores_each_sign_of_each_pattern(pattern, sign, points, overrides):
    result = evaluate(answers(**overrides))
    assert result.matched_signs[pattern] == [sign]
    assert result.scores[pattern] == points


def test_it_matches_no_sign_for_answers_that_show_none():
    result = evaluate(answers())
    assert result.matched_signs == {}
    assert result.scores == dict.fromkeys(
        [
            "runners_knee",
            "patellar_tendinitis",
            "it_band_syndrome",
            "meniscus_tear",
            "osteoarthritis",
        ],
        0,
    )
    assert result.pattern == "unclear"


def test_it_adds_up_every_sign_of_a_pattern():
    result = evaluate(
        answers(
            pain_locations=["all_over"],
            pain_triggers=["at_rest"],
            symptoms=["locking", "stiffness"],
            injury_event="twist_or_pivot",
        )
    )
    assert result.scores["meniscus_tear"] == 8
    assert result.matched_signs["meniscus_tear"] == [
        "symptom_locking",
        "injury_twist_or_pivot",
        "location_all_over",
        "trigger_at_rest",
        "symptom_stiffness",
    ]


def test_it_counts_stiffness_and_morning_stiffness_once_for_osteoarthritis():
    result = evaluate(answers(symptoms=["stiffness", "morning_stiffness"]))
    assert result.scores["osteoarthritis"] == 1
    assert result.matched_signs["osteoarthritis"] == ["stiffness_or_morning_stiffness"]
    assert result.scores["meniscus_tear"] == 1


def test_it_does_not_score_gradual_onset_under_age_50():
    result = evaluate(answers(age=49))
    assert "osteoarthritis" not in result.matched_signs


@pytest.mark.parametrize("event", ["twist_or_pivot", "direct_blow_or_fall"])
def test_it_does_not_score_age_when_the_pain_started_with_a_specific_moment(event):
    result = evaluate(answers(age=70, injury_event=event))
    assert "osteoarthritis" not in result.matched_signs


# --- Threshold and tie order --------------------------------------------------------------


def test_it_calls_a_top_score_of_2_unclear_but_keeps_the_signs():
    result = evaluate(answers(injury_event="twist_or_pivot"))
    assert result.scores["meniscus_tear"] == 2
    assert result.pattern == "unclear"
    assert result.secondary_patterns == ()
    assert result.matched_signs == {"meniscus_tear": ["injury_twist_or_pivot"]}


def test_it_names_a_pattern_that_reaches_3():
    result = evaluate(answers(injury_event="twist_or_pivot", pain_triggers=["at_rest"]))
    assert result.scores["meniscus_tear"] == 3
    assert result.pattern == "meniscus_tear"


def test_it_needs_3_points_even_when_two_patterns_share_signs():
    two_each = evaluate(answers(pain_triggers=["running", "squatting"]))
    assert two_each.scores["runners_knee"] == two_each.scores["patellar_tendinitis"] == 2
    assert two_each.pattern == "unclear"
    three = evaluate(answers(pain_triggers=["running", "squatting", "stairs"]))
    assert three.pattern == "runners_knee"


TIES = {
    "meniscus_tear-over-osteoarthritis": (
        {"symptoms": ["locking", "swelling"], "pain_triggers": ["walking", "sitting_long"]},
        "meniscus_tear",
        "osteoarthritis",
    ),
    "osteoarthritis-over-patellar_tendinitis": (
        {
            "pain_locations": ["below_kneecap"],
            "symptoms": ["swelling"],
            "pain_triggers": ["walking", "sitting_long"],
        },
        "osteoarthritis",
        "patellar_tendinitis",
    ),
    "patellar_tendinitis-over-it_band_syndrome": (
        {"pain_locations": ["below_kneecap", "outside"]},
        "patellar_tendinitis",
        "it_band_syndrome",
    ),
    "it_band_syndrome-over-runners_knee": (
        {"pain_locations": ["outside", "under_kneecap"]},
        "it_band_syndrome",
        "runners_knee",
    ),
}


@pytest.mark.parametrize(("overrides", "winner", "loser"), TIES.values(), ids=TIES.keys())
def test_it_breaks_a_tie_by_the_spec_order(overrides, winner, loser):
    result = evaluate(answers(**overrides))
    assert result.scores[winner] == result.scores[loser] == 3
    assert result.pattern == winner
    assert result.secondary_patterns == (loser,)


def test_it_breaks_a_five_way_tie_by_the_spec_order():
    result = evaluate(
        answers(
            pain_locations=["below_kneecap", "outside", "under_kneecap"],
            symptoms=["locking", "swelling"],
            pain_triggers=["walking", "sitting_long"],
        )
    )
    assert set(result.scores.values()) == {3}
    assert result.pattern == "meniscus_tear"
    assert result.secondary_patterns == (
        "osteoarthritis",
        "patellar_tendinitis",
        "it_band_syndrome",
        "runners_knee",
    )


def test_it_prefers_a_higher_score_over_the_tie_order():
    result = evaluate(
        answers(pain_locations=["under_kneecap"], pain_triggers=["stairs"], symptoms=["locking"])
    )
    assert result.scores["runners_knee"] == 4
    assert result.scores["meniscus_tear"] == 3
    assert result.pattern == "runners_knee"
    assert result.secondary_patterns == ("meniscus_tear",)


def test_it_lists_secondary_patterns_by_score_before_tie_order():
    result = evaluate(
        answers(
            symptoms=["locking", "swelling"],
            injury_event="twist_or_pivot",
            pain_locations=["under_kneecap"],
            pain_triggers=["running", "walking", "sitting_long"],
        )
    )
    assert result.scores["meniscus_tear"] == 5
    assert result.scores["runners_knee"] == 4
    assert result.scores["osteoarthritis"] == 3
    assert result.pattern == "meniscus_tear"
    assert result.secondary_patterns == ("runners_knee", "osteoarthritis")


# --- Section 4: urgency ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "pattern"),
    [
        (RUNNERS_KNEE, "runners_knee"),
        ({"pain_locations": ["below_kneecap"]}, "patellar_tendinitis"),
        ({"pain_locations": ["outside"]}, "it_band_syndrome"),
        (
            {"pain_triggers": ["walking", "sitting_long"], "symptoms": ["swelling"]},
            "osteoarthritis",
        ),
    ],
)
def test_it_offers_self_care_for_a_mild_recent_self_care_pattern(overrides, pattern):
    result = evaluate(answers(**overrides))
    assert (result.pattern, result.urgency) == (pattern, "self_care")


def test_it_asks_for_assessment_of_a_meniscus_tear():
    result = evaluate(answers(symptoms=["locking"]))
    assert (result.pattern, result.urgency) == ("meniscus_tear", "assessment")


def test_it_asks_for_assessment_when_the_pattern_is_unclear():
    result = evaluate(answers())
    assert (result.pattern, result.urgency) == ("unclear", "assessment")


@pytest.mark.parametrize(
    ("overrides", "urgency"),
    [
        ({"pain_now": 6}, "self_care"),
        ({"pain_now": 7}, "assessment"),
        ({"duration_days": 7}, "self_care"),
        ({"duration_days": 8}, "assessment"),
        ({"age": 16}, "self_care"),
        ({"age": 15}, "assessment"),
    ],
    ids=["pain_now-6", "pain_now-7", "duration-7", "duration-8", "age-16", "age-15"],
)
def test_it_applies_each_assessment_boundary(overrides, urgency):
    result = evaluate(answers(**RUNNERS_KNEE, **overrides))
    assert result.pattern == "runners_knee"
    assert result.urgency == urgency


# --- Section 2: red flags -------------------------------------------------------------------


def test_it_asks_the_seven_red_flags_of_the_spec_in_order():
    assert list(RED_FLAGS) == SEVEN_RED_FLAGS


@pytest.mark.parametrize("red_flag", SEVEN_RED_FLAGS)
def test_it_makes_any_red_flag_urgent_with_no_self_care(red_flag):
    result = evaluate(answers(**RUNNERS_KNEE, recent_increase=True, red_flags=[red_flag]))
    assert result.urgency == "urgent"
    assert result.red_flags == (red_flag,)
    assert result.advice == ("seek_urgent_care",)
    assert result.factors == ()
    # Still worked out, for the clinicians.
    assert result.pattern == "runners_knee"
    assert result.matched_signs["runners_knee"] == ["location_under_kneecap", "trigger_stairs"]


def test_it_lists_several_red_flags_in_the_rules_order():
    result = evaluate(answers(red_flags=["night_pain_weight_loss", "cannot_bear_weight"]))
    assert result.red_flags == ("cannot_bear_weight", "night_pain_weight_loss")
    assert result.urgency == "urgent"


def test_it_has_no_red_flags_when_none_are_ticked():
    assert evaluate(answers(**RUNNERS_KNEE)).red_flags == ()


# --- Section 5: advice and factors ----------------------------------------------------------

PLANS = {
    "runners_knee": (
        RUNNERS_KNEE,
        (
            "ice_15",
            "cross_train",
            "foam_roll_quads",
            "reduce_mileage",
            "strength_lower_body",
            "cadence_170_180",
            "monitor_pain",
        ),
    ),
    "patellar_tendinitis": (
        {"pain_locations": ["below_kneecap"]},
        (
            "ice_15",
            "cross_train",
            "patellar_strap",
            "strength_regular",
            "stretch_quads_hamstrings",
            "foam_roll_daily",
            "monitor_pain",
        ),
    ),
    "it_band_syndrome": (
        {"pain_locations": ["outside"]},
        (
            "foam_roll_outer_thigh",
            "strengthen_glutes_core",
            "short_quick_strides",
            "warm_up_cool_down",
            "ease_training_load",
            "monitor_pain",
        ),
    ),
    "meniscus_tear": ({"symptoms": ["locking"]}, ("assessment_needed", "monitor_pain")),
    "osteoarthritis": (
        {"pain_triggers": ["walking", "sitting_long"], "symptoms": ["swelling"]},
        ("stay_active", "soft_surfaces", "monitor_pain"),
    ),
    "unclear": ({}, ("assessment_needed", "monitor_pain")),
}


@pytest.mark.parametrize(("overrides", "advice"), PLANS.values(), ids=PLANS.keys())
def test_it_gives_each_pattern_its_catalogue_advice_in_order(overrides, advice):
    result = evaluate(answers(**overrides))
    assert result.factors == ()
    assert result.advice == advice


FACTOR_CASES = {
    "shoes-not-for-running": ({"running_specific_shoes": False}, ("footwear",)),
    "shoes-800-km": ({"shoe_km": 800}, ()),
    "shoes-801-km": ({"shoe_km": 801}, ("footwear",)),
    "shoes-800.5-km": ({"shoe_km": 800.5}, ("footwear",)),
    "shoe-km-unknown": ({"shoe_km": None}, ()),
    "recent-increase": ({"recent_increase": True}, ("training_load",)),
    "banked-surface": ({"surfaces": ["road", "banked_or_cambered"]}, ("surface",)),
    "flat-surfaces": ({"surfaces": ["road", "track", "trail", "treadmill"]}, ()),
    "foot-rolls-inward": ({"foot_rolls_inward": "yes"}, ("overpronation",)),
    "foot-does-not-roll": ({"foot_rolls_inward": "no"}, ()),
    "foot-unsure": ({"foot_rolls_inward": "unsure"}, ()),
    "cadence-169": ({"cadence_spm": 169}, ("cadence",)),
    "cadence-170": ({"cadence_spm": 170}, ()),
    "cadence-unknown": ({"cadence_spm": None}, ()),
}


@pytest.mark.parametrize(("overrides", "factors"), FACTOR_CASES.values(), ids=FACTOR_CASES.keys())
def test_it_finds_each_contributing_factor(overrides, factors):
    result = evaluate(answers(pain_locations=["below_kneecap"], **overrides))
    assert result.factors == factors
    factor_advice = tuple(FACTORS[f].advice for f in factors)
    assert result.advice == PLANS["patellar_tendinitis"][1][:-1] + factor_advice + ("monitor_pain",)


def test_it_adds_factor_advice_in_the_spec_order_before_monitor_pain():
    result = evaluate(
        answers(
            pain_locations=["below_kneecap"],
            running_specific_shoes=False,
            recent_increase=True,
            surfaces=["banked_or_cambered"],
            foot_rolls_inward="yes",
            cadence_spm=160,
        )
    )
    assert result.pattern == "patellar_tendinitis"
    assert result.factors == ("footwear", "training_load", "surface", "overpronation", "cadence")
    assert result.advice[-6:] == (
        "replace_shoes",
        "recovery_time",
        "avoid_banked_surfaces",
        "motion_control_shoes",
        "cadence_170_180",
        "monitor_pain",
    )


def test_it_does_not_repeat_cadence_advice_for_runners_knee_but_lists_the_factor():
    result = evaluate(answers(**RUNNERS_KNEE, cadence_spm=165))
    assert result.factors == ("cadence",)
    assert result.advice == PLANS["runners_knee"][1]
    assert result.advice.count("cadence_170_180") == 1


def test_it_adds_factor_advice_to_an_assessment_outcome_too():
    result = evaluate(answers(symptoms=["locking"], recent_increase=True))
    assert result.advice == ("assessment_needed", "recovery_time", "monitor_pain")


def test_it_adds_factor_advice_when_the_pattern_is_unclear():
    result = evaluate(answers(running_specific_shoes=False))
    assert result.advice == ("assessment_needed", "replace_shoes", "monitor_pain")


# --- The result object ----------------------------------------------------------------------


def test_it_returns_a_json_ready_dict():
    result = evaluate(answers(**RUNNERS_KNEE, symptoms=["locking"], cadence_spm=150))
    data = result.as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["pattern"] == "runners_knee"
    assert data["secondary_patterns"] == ["meniscus_tear"]
    assert data["advice"] == list(result.advice)
    assert data["matched_signs"] == result.matched_signs
    assert data["rules_version"] == RULES_VERSION


def test_it_returns_a_frozen_result():
    result = evaluate(answers())
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.pattern = "runners_knee"


def test_it_does_not_change_the_answers_it_reads():
    given = answers(**RUNNERS_KNEE)
    before = json.dumps(given)
    evaluate(given)
    assert json.dumps(given) == before


# --- The rules as data ----------------------------------------------------------------------


def test_it_has_a_dated_rules_version():
    assert re.fullmatch(r"\d{4}\.\d{1,2}\.\d+", RULES_VERSION)


def test_it_only_tests_answers_that_exist_with_values_they_can_take():
    conditions = [c for cs in rules.SIGN_CONDITIONS.values() for c in cs]
    conditions += [c for f in FACTORS.values() for c in f.when_any]
    conditions += list(rules.ASSESSMENT_WHEN_ANY)
    for condition in conditions:
        question = QUESTIONS[condition.key]
        assert condition.op in engine._OPS
        values = condition.value if condition.op == "includes_any" else (condition.value,)
        for value in values:
            if question.choices:
                assert value in dict(question.choices), condition
            elif question.type == "boolean":
                assert type(value) is bool, condition
            else:
                assert question.min <= value <= question.max, condition


def test_it_uses_every_sign_and_describes_each_one():
    used = {sign for p in PATTERNS.values() for sign, _ in p.signs}
    assert used == set(SIGNS) == set(rules.SIGN_CONDITIONS)
    assert all(SIGNS.values())


def test_it_breaks_ties_among_exactly_the_scored_patterns():
    scored = [key for key, p in PATTERNS.items() if p.signs]
    assert sorted(rules.TIE_ORDER) == sorted(scored)
    assert set(PATTERNS) == {*scored, "unclear"}


def test_it_names_and_explains_every_pattern():
    assert PATTERNS["runners_knee"].name == "Runner's knee (patellofemoral pain)"
    for pattern in PATTERNS.values():
        assert pattern.name
        assert pattern.what_it_is


def test_it_gives_only_catalogued_advice_and_uses_every_item():
    referenced = {a for plan in rules.PATTERN_ADVICE.values() for a in plan}
    referenced |= {f.advice for f in FACTORS.values()}
    referenced |= {*rules.URGENT_ADVICE, rules.MONITOR_ADVICE}
    assert referenced == set(ADVICE)


# --- The rules match the clinical specification, word for word -----------------------------


@pytest.fixture(scope="module")
def spec_sections() -> dict[str, str]:
    if not SPEC.exists():
        pytest.skip(f"the clinical specification is not at {SPEC}")
    parts = re.split(r"^## (\d)\. .*$", SPEC.read_text(encoding="utf-8"), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _table_rows(text: str) -> list[list[str]]:
    """The cells of each table row whose first cell is a `key`."""
    lines = [line.strip() for line in text.splitlines() if line.startswith("| `")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


def _plain(text: str) -> str:
    return " ".join(text.split())


def test_it_matches_the_spec_advice_catalogue(spec_sections):
    catalogue = [r for r in _table_rows(spec_sections["5"]) if not r[2].startswith("`")]
    assert [r[0].strip("`") for r in catalogue] == list(ADVICE)[: len(catalogue)]
    for advice_id, text, given_for in catalogue:
        assert ADVICE[advice_id.strip("`")] == text
        for pattern in re.findall(r"\w+", given_for):
            if pattern in rules.PATTERN_ADVICE:
                assert advice_id.strip("`") in rules.PATTERN_ADVICE[pattern]
    for pattern, plan in rules.PATTERN_ADVICE.items():
        expected = [r[0].strip("`") for r in catalogue if pattern in re.findall(r"\w+", r[2])]
        assert list(plan) == expected


def test_it_matches_the_spec_factors_and_monitor_pain(spec_sections):
    factor_rows = [r for r in _table_rows(spec_sections["5"]) if r[2].startswith("`")]
    assert [r[0].strip("`") for r in factor_rows] == list(FACTORS)
    for factor, _, advice in factor_rows:
        advice_id, _, text = advice.partition(": ")
        assert FACTORS[factor.strip("`")].advice == re.match(r"`(\w+)`", advice_id).group(1)
        if text:
            assert ADVICE[advice_id.strip("`")] == text
    monitor = re.search(r'`monitor_pain`: "(.+?)"', spec_sections["5"], re.S).group(1)
    assert ADVICE["monitor_pain"] == _plain(monitor)


def test_it_matches_the_spec_red_flags(spec_sections):
    rows = _table_rows(spec_sections["2"])
    assert [(k.strip("`"), q, w) for k, q, w in rows] == [
        (key, flag.question, flag.why) for key, flag in RED_FLAGS.items()
    ]


def test_it_matches_the_spec_disclaimer(spec_sections):
    assert _plain(re.search(r'"(.+)"', spec_sections["7"], re.S).group(1)) == DISCLAIMER


def test_it_matches_the_spec_questions(spec_sections):
    section = spec_sections["1"]
    types = {
        "enum": ("enum", False),
        "list of enum": ("enum_list", False),
        "list of enum, ≥1": ("enum_list", False),
        "bool": ("boolean", False),
        "int": ("integer", False),
        "number": ("number", False),
        "int or null": ("integer", True),
        "number or null": ("number", True),
    }
    rows = _table_rows(section)
    assert sorted(r[0].strip("`") for r in rows) == sorted(QUESTIONS)
    for key, kind, values, _ in rows:
        question = QUESTIONS[key.strip("`")]
        assert (question.type, question.nullable) == types[kind], key
        assert question.min_items == (1 if "≥1" in kind else 0), key
        if question.key == "red_flags":
            assert [c for c, _ in question.choices] == list(RED_FLAGS)
        elif question.choices:
            assert [c for c, _ in question.choices] == re.findall(r"`(\w+)`", values), key
        elif question.type != "boolean":
            assert f"{question.min}–{question.max}" == values, key
    required = re.search(r"Required: (.+?) \(", section, re.S).group(1)
    assert sorted(re.findall(r"`(\w+)`", required)) == sorted(
        key for key, question in QUESTIONS.items() if question.required
    )


# --- No Django in the engine --------------------------------------------------------------


def test_it_imports_without_django():
    code = (
        "import sys; import intake.triage; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_it_does_not_mention_django_in_its_source():
    for path in (ROOT / "intake" / "triage").glob("*.py"):
        assert not re.search(r"^\s*(import|from)\s+django", path.read_text(), re.M), path

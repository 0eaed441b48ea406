"""Scoring, urgency, care routes, reasons, advice and factors, checked against knee-triage.md.

The first half tests behaviour rule by rule; the second half parses the repository's copy of
the specification (docs/clinical/knee-triage.md) and compares every table with the rules data,
word for word. Those tests fail, never skip, when the specification is missing.
"""

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from intake.triage import (
    ADVICE,
    ASSESSMENT_REASONS,
    DISCLAIMER,
    FACTORS,
    PATTERNS,
    QUESTIONS,
    RED_FLAGS,
    RULES_VERSION,
    SIGNS,
    advice_text,
    care_route,
    engine,
    evaluate,
    factor_label,
    pattern_name,
    reason_text,
    red_flag_question,
    red_flag_statement,
    route_text,
    rules,
)
from tests.intake.triage import answers, json_stored

ROOT = Path(__file__).resolve().parents[3]
SPEC = ROOT / "docs" / "clinical" / "knee-triage.md"
SHARED_SPEC = ROOT.parent / "shared" / "clinical" / "knee-triage.md"

RED_FLAG_ORDER = [
    "numb_cold_foot",
    "hot_swollen_fever",
    "deformity_after_injury",
    "hot_swollen_knee",
    "fever_unwell",
    "cannot_bear_weight",
    "pop_rapid_swelling",
    "cannot_lift_straight_leg",
    "cannot_straighten",
    "calf_swelling_pain",
    "recent_surgery_or_injection",
    "child_limp_hip_pain",
    "night_pain_weight_loss",
]

# A runner's-knee answer set that alone would be self-care: under the kneecap, on stairs.
RUNNERS_KNEE = {"pain_locations": ["under_kneecap"], "pain_triggers": ["stairs"]}
# Osteoarthritis at the age gate, self-care: walking, sitting, swelling without an injury.
OSTEOARTHRITIS = {"pain_triggers": ["walking", "sitting_long"], "symptoms": ["swelling"], "age": 45}

RK_PLAN = (
    "pain_guided_running",
    "return_to_running",
    "ice_15",
    "cross_train",
    "reduce_mileage",
    "strength_lower_body",
    "foam_roll_quads",
    "cadence_170_180",
)
PT_PLAN_ADULT = (
    "pain_guided_running",
    "return_to_running",
    "ice_15",
    "cross_train",
    "tendon_loading",
    "patellar_strap",
    "stretch_quads_hamstrings",
)
ITB_PLAN = (
    "pain_guided_running",
    "return_to_running",
    "strengthen_glutes_core",
    "foam_roll_outer_thigh",
    "short_quick_strides",
    "warm_up_cool_down",
    "ease_training_load",
)
OA_PLAN = ("stay_active", "strength_oa", "topical_nsaid")


# --- Section 3: every sign of every pattern ---------------------------------------------------

SIGN_CASES = [
    ("runners_knee", "location_under_kneecap", 3, {"pain_locations": ["under_kneecap"]}),
    ("runners_knee", "trigger_stairs", 1, {"pain_triggers": ["stairs"]}),
    ("runners_knee", "trigger_running", 1, {"pain_triggers": ["running"]}),
    ("runners_knee", "trigger_squatting", 1, {"pain_triggers": ["squatting"]}),
    ("runners_knee", "trigger_sitting_long", 1, {"pain_triggers": ["sitting_long"]}),
    ("patellar_tendinitis", "location_below_kneecap", 3, {"pain_locations": ["below_kneecap"]}),
    ("patellar_tendinitis", "trigger_running", 1, {"pain_triggers": ["running"]}),
    ("patellar_tendinitis", "trigger_squatting", 1, {"pain_triggers": ["squatting"]}),
    ("it_band_syndrome", "location_outside", 3, {"pain_locations": ["outside"]}),
    ("it_band_syndrome", "onset_after_few_minutes", 1, {"run_onset": "after_few_minutes"}),
    ("it_band_syndrome", "eases_when_stopping", 1, {"eases_when_stopping": True}),
    ("it_band_syndrome", "surface_banked_or_cambered", 1, {"surfaces": ["banked_or_cambered"]}),
    ("meniscus_tear", "symptom_locking", 3, {"symptoms": ["locking"]}),
    ("meniscus_tear", "injury_twist_or_pivot", 2, {"injury_event": "twist_or_pivot"}),
    ("meniscus_tear", "location_inside", 1, {"pain_locations": ["inside"]}),
    ("meniscus_tear", "location_all_over", 1, {"pain_locations": ["all_over"]}),
    ("meniscus_tear", "trigger_at_rest", 1, {"pain_triggers": ["at_rest"]}),
    ("meniscus_tear", "symptom_stiffness", 1, {"symptoms": ["stiffness"]}),
    ("osteoarthritis", "trigger_walking", 1, {"pain_triggers": ["walking"], "age": 45}),
    ("osteoarthritis", "trigger_sitting_long", 1, {"pain_triggers": ["sitting_long"], "age": 45}),
    ("osteoarthritis", "trigger_stairs", 1, {"pain_triggers": ["stairs"], "age": 45}),
    ("osteoarthritis", "symptom_swelling", 1, {"symptoms": ["swelling"], "age": 45}),
    (
        "osteoarthritis",
        "stiffness_or_morning_stiffness",
        1,
        {"symptoms": ["stiffness"], "age": 45},
    ),
    (
        "osteoarthritis",
        "stiffness_or_morning_stiffness",
        1,
        {"symptoms": ["morning_stiffness"], "age": 45},
    ),
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
            pain_locations=["inside", "all_over"],
            pain_triggers=["at_rest"],
            symptoms=["locking", "stiffness"],
            injury_event="twist_or_pivot",
        )
    )
    assert result.scores["meniscus_tear"] == 9
    assert result.matched_signs["meniscus_tear"] == [
        "symptom_locking",
        "injury_twist_or_pivot",
        "location_inside",
        "location_all_over",
        "trigger_at_rest",
        "symptom_stiffness",
    ]


def test_it_counts_stiffness_and_morning_stiffness_once_for_osteoarthritis():
    result = evaluate(answers(symptoms=["stiffness", "morning_stiffness"], age=45))
    assert result.scores["osteoarthritis"] == 1
    assert result.matched_signs["osteoarthritis"] == ["stiffness_or_morning_stiffness"]
    assert result.scores["meniscus_tear"] == 1


@pytest.mark.parametrize(("age", "points"), [(49, 0), (50, 1)])
def test_it_scores_gradual_onset_for_osteoarthritis_only_from_age_50(age, points):
    result = evaluate(answers(age=age))
    assert result.scores["osteoarthritis"] == points
    assert ("osteoarthritis" in result.matched_signs) is bool(points)


@pytest.mark.parametrize("event", ["twist_or_pivot", "direct_blow_or_fall"])
def test_it_does_not_score_age_when_the_pain_started_with_a_specific_moment(event):
    result = evaluate(answers(age=70, injury_event=event))
    assert "osteoarthritis" not in result.matched_signs


# --- Section 3: the osteoarthritis age gate ----------------------------------------------------

EVERY_OA_SIGN = {
    "pain_triggers": ["walking", "sitting_long", "stairs"],
    "symptoms": ["swelling", "morning_stiffness"],
}


def test_it_scores_no_osteoarthritis_at_44_however_many_signs():
    result = evaluate(answers(**EVERY_OA_SIGN, age=44))
    assert result.scores["osteoarthritis"] == 0
    assert "osteoarthritis" not in result.matched_signs
    assert result.pattern != "osteoarthritis"
    assert "osteoarthritis" not in result.secondary_patterns


def test_it_scores_osteoarthritis_from_45():
    result = evaluate(answers(**EVERY_OA_SIGN, age=45))
    assert result.scores["osteoarthritis"] == 5
    assert result.pattern == "osteoarthritis"


def test_it_never_lists_osteoarthritis_as_secondary_under_45():
    # Runner's knee scores 7 (location, stairs, sitting, running, squatting), osteoarthritis 5.
    runner = {
        **EVERY_OA_SIGN,
        "pain_locations": ["under_kneecap"],
        "pain_triggers": [*EVERY_OA_SIGN["pain_triggers"], "running", "squatting"],
    }
    over = evaluate(answers(**runner, age=45))
    assert over.pattern == "runners_knee"
    assert "osteoarthritis" in over.secondary_patterns
    under = evaluate(answers(**runner, age=44))
    assert under.pattern == "runners_knee"
    assert under.secondary_patterns == ()


def test_it_adds_the_age_point_at_50_on_top_of_the_gate():
    assert evaluate(answers(**EVERY_OA_SIGN, age=49)).scores["osteoarthritis"] == 5
    assert evaluate(answers(**EVERY_OA_SIGN, age=50)).scores["osteoarthritis"] == 6


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
        {
            "symptoms": ["locking", "swelling"],
            "pain_triggers": ["walking", "sitting_long"],
            "age": 45,
        },
        "meniscus_tear",
        "osteoarthritis",
    ),
    "osteoarthritis-over-patellar_tendinitis": (
        {
            "pain_locations": ["below_kneecap"],
            "symptoms": ["swelling"],
            "pain_triggers": ["walking", "sitting_long"],
            "age": 45,
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
            symptoms=["locking", "swelling", "morning_stiffness"],
            pain_triggers=["walking"],
            age=45,
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
            symptoms=["locking", "swelling", "stiffness"],
            injury_event="twist_or_pivot",
            pain_locations=["under_kneecap"],
            pain_triggers=["running", "walking"],
            age=45,
        )
    )
    assert result.scores["meniscus_tear"] == 6
    assert result.scores["runners_knee"] == 4
    assert result.scores["osteoarthritis"] == 3
    assert result.pattern == "meniscus_tear"
    assert result.secondary_patterns == ("runners_knee", "osteoarthritis")


# --- Section 4: urgency and assessment reasons -----------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "pattern"),
    [
        (RUNNERS_KNEE, "runners_knee"),
        ({"pain_locations": ["below_kneecap"]}, "patellar_tendinitis"),
        ({"pain_locations": ["outside"]}, "it_band_syndrome"),
        (OSTEOARTHRITIS, "osteoarthritis"),
    ],
)
def test_it_offers_self_care_for_a_mild_recent_self_care_pattern(overrides, pattern):
    result = evaluate(answers(**overrides))
    assert (result.pattern, result.urgency) == (pattern, "self_care")
    assert result.assessment_reasons == ()
    assert result.care_route is None


def test_it_asks_for_assessment_of_a_meniscus_tear():
    result = evaluate(answers(injury_event="twist_or_pivot", pain_triggers=["at_rest"]))
    assert (result.pattern, result.urgency) == ("meniscus_tear", "assessment")
    assert result.assessment_reasons == ("pattern_needs_exam",)


def test_it_asks_for_assessment_when_the_pattern_is_unclear():
    result = evaluate(answers())
    assert (result.pattern, result.urgency) == ("unclear", "assessment")
    assert result.assessment_reasons == ("pattern_needs_exam",)


def test_it_asks_for_assessment_when_a_meniscus_tear_is_only_secondary():
    result = evaluate(
        answers(
            **{**RUNNERS_KNEE, "pain_triggers": ["stairs", "at_rest"]},
            injury_event="twist_or_pivot",
        )
    )
    assert (result.pattern, result.secondary_patterns) == ("runners_knee", ("meniscus_tear",))
    assert result.assessment_reasons == ("pattern_needs_exam",)


REASON_BOUNDARIES = {
    "pain_now-6": ({"pain_now": 6}, ()),
    "pain_now-7": ({"pain_now": 7}, ("severe_pain",)),
    "worst-week-7": ({"pain_worst_week": 7}, ()),
    "worst-week-8": ({"pain_worst_week": 8}, ("severe_pain",)),
    "duration-7": ({"duration_days": 7}, ()),
    "duration-8": ({"duration_days": 8}, ("lasted_over_a_week",)),
    "age-16": ({"age": 16}, ()),
    "age-15": ({"age": 15}, ("under_16",)),
    # Locking also makes a meniscus tear secondary (3 points), which needs an exam too.
    "locking": ({"symptoms": ["locking"]}, ("pattern_needs_exam", "locking_or_giving_way")),
    "giving-way": ({"symptoms": ["giving_way"]}, ("locking_or_giving_way",)),
    "swelling-gradual": ({"symptoms": ["swelling"]}, ()),
    "twist-no-swelling": ({"injury_event": "direct_blow_or_fall"}, ()),
    "twist-swelling": (
        {"injury_event": "twist_or_pivot", "symptoms": ["swelling"]},
        ("injury_with_swelling",),
    ),
    "blow-swelling": (
        {"injury_event": "direct_blow_or_fall", "symptoms": ["swelling"]},
        ("injury_with_swelling",),
    ),
}


@pytest.mark.parametrize(
    ("overrides", "reasons"), REASON_BOUNDARIES.values(), ids=REASON_BOUNDARIES.keys()
)
def test_it_applies_each_assessment_reason_at_its_boundary(overrides, reasons):
    # Under the kneecap, stairs and squatting: runner's knee at 5, above any meniscus score.
    base = {"pain_locations": ["under_kneecap"], "pain_triggers": ["stairs", "squatting"]}
    result = evaluate(answers(**{**base, **overrides}))
    assert result.pattern == "runners_knee"
    assert result.assessment_reasons == reasons
    assert result.urgency == ("assessment" if reasons else "self_care")


def test_it_lists_every_assessment_reason_in_the_spec_order():
    result = evaluate(
        answers(
            symptoms=["giving_way", "swelling", "locking"],
            injury_event="twist_or_pivot",
            pain_worst_week=9,
            duration_days=30,
            age=14,
        )
    )
    assert result.pattern == "meniscus_tear"
    assert result.assessment_reasons == (
        "pattern_needs_exam",
        "locking_or_giving_way",
        "injury_with_swelling",
        "severe_pain",
        "lasted_over_a_week",
        "under_16",
    )
    assert result.assessment_reasons == tuple(ASSESSMENT_REASONS)


def test_it_gives_no_assessment_reasons_to_an_urgent_outcome():
    result = evaluate(answers(pain_now=9, duration_days=30, red_flags=["fever_unwell"]))
    assert result.urgency == "urgent"
    assert result.assessment_reasons == ()


# --- Section 2: red flags and care routes ----------------------------------------------------


def test_it_asks_the_thirteen_red_flags_of_the_spec_in_order():
    assert list(RED_FLAGS) == RED_FLAG_ORDER


def test_it_asks_the_emergency_flags_first():
    routes = [flag.route for flag in RED_FLAGS.values()]
    assert routes == sorted(routes, key=rules.CARE_ROUTES.index)


@pytest.mark.parametrize("red_flag", RED_FLAG_ORDER)
def test_it_makes_any_red_flag_urgent_with_no_self_care(red_flag):
    result = evaluate(answers(**RUNNERS_KNEE, recent_increase=True, red_flags=[red_flag]))
    assert result.urgency == "urgent"
    assert result.care_route == RED_FLAGS[red_flag].route
    assert result.red_flags == (red_flag,)
    assert result.advice == ("seek_urgent_care",)
    assert result.factors == ()
    # Still worked out, for the clinicians.
    assert result.pattern == "runners_knee"
    assert result.matched_signs["runners_knee"] == ["location_under_kneecap", "trigger_stairs"]


def test_it_treats_a_child_limp_flag_as_urgent_even_when_the_age_is_16_or_more():
    result = evaluate(answers(age=40, red_flags=["child_limp_hip_pain"]))
    assert (result.urgency, result.care_route) == ("urgent", "same_day")


@pytest.mark.parametrize(
    ("flags", "route"),
    [
        (["night_pain_weight_loss"], "within_48h"),
        (["night_pain_weight_loss", "calf_swelling_pain"], "same_day"),
        (["night_pain_weight_loss", "cannot_straighten", "numb_cold_foot"], "emergency"),
        (["fever_unwell", "deformity_after_injury"], "emergency"),
        (["child_limp_hip_pain", "hot_swollen_knee"], "same_day"),
    ],
)
def test_it_routes_to_the_most_urgent_route_among_the_ticked_flags(flags, route):
    result = evaluate(answers(red_flags=flags))
    assert result.care_route == route
    assert care_route(flags) == route


def test_it_has_no_care_route_without_red_flags():
    assert care_route([]) is None
    assert evaluate(answers(**RUNNERS_KNEE)).care_route is None


def test_it_lists_several_red_flags_in_the_rules_order():
    result = evaluate(answers(red_flags=["night_pain_weight_loss", "cannot_bear_weight"]))
    assert result.red_flags == ("cannot_bear_weight", "night_pain_weight_loss")
    assert result.urgency == "urgent"


def test_it_has_no_red_flags_when_none_are_ticked():
    assert evaluate(answers(**RUNNERS_KNEE)).red_flags == ()


def test_it_fills_the_route_texts_with_the_settings():
    assert route_text("emergency", emergency_number="112", clinic_phone="+1 555 0100") == (
        "Go to an emergency department now, or call 112. Do not drive yourself."
    )
    assert route_text("within_48h", emergency_number="112", clinic_phone="+1 555 0100") == (
        "See a doctor within the next 1–2 days. Call the clinic on +1 555 0100 to arrange it."
    )
    same_day = route_text("same_day", emergency_number="112", clinic_phone="+1 555 0100")
    assert "Call the clinic on +1 555 0100 if you are unsure where to go." in same_day
    assert "{" not in same_day
    assert engine.breathlessness_text(emergency_number="112") == (
        "If you become short of breath or have chest pain, call 112 now."
    )


def test_it_shows_a_red_flag_as_a_statement_and_asks_it_as_a_question():
    assert red_flag_question("calf_swelling_pain").endswith("?")
    assert red_flag_statement("calf_swelling_pain") == "The calf is swollen, warm or tender"
    for key in RED_FLAGS:
        assert not red_flag_statement(key).endswith("?")


# --- Section 5: advice and factors ----------------------------------------------------------

PLANS = {
    "runners_knee": (RUNNERS_KNEE, (*RK_PLAN, "monitor_pain")),
    "patellar_tendinitis": (
        {"pain_locations": ["below_kneecap"]},
        (*PT_PLAN_ADULT, "monitor_pain"),
    ),
    "it_band_syndrome": ({"pain_locations": ["outside"]}, (*ITB_PLAN, "monitor_pain")),
    "meniscus_tear": (
        {"injury_event": "twist_or_pivot", "pain_triggers": ["at_rest"]},
        ("assessment_needed", "meniscus_info", "avoid_twisting", "book_assessment"),
    ),
    "osteoarthritis": (OSTEOARTHRITIS, (*OA_PLAN, "monitor_pain")),
    "unclear": ({}, ("assessment_needed", "avoid_twisting", "book_assessment")),
}


@pytest.mark.parametrize(("overrides", "advice"), PLANS.values(), ids=PLANS.keys())
def test_it_gives_each_pattern_its_catalogue_advice_in_order(overrides, advice):
    result = evaluate(answers(**overrides))
    assert result.factors == ()
    assert result.advice == advice


@pytest.mark.parametrize(
    ("age", "item", "not_item"),
    [(15, "young_athlete_load", "tendon_loading"), (16, "tendon_loading", "young_athlete_load")],
)
def test_it_gives_tendon_loading_from_16_and_young_athlete_load_under_16(age, item, not_item):
    result = evaluate(answers(pain_locations=["below_kneecap"], age=age))
    assert result.pattern == "patellar_tendinitis"
    assert item in result.advice
    assert not_item not in result.advice
    assert result.advice.index(item) == PT_PLAN_ADULT.index("tendon_loading")


def test_it_gives_a_young_athlete_their_own_plan_and_books_an_assessment():
    result = evaluate(answers(pain_locations=["below_kneecap"], age=14))
    assert result.assessment_reasons == ("under_16",)
    assert result.advice == (
        "pain_guided_running",
        "return_to_running",
        "ice_15",
        "cross_train",
        "young_athlete_load",
        "patellar_strap",
        "stretch_quads_hamstrings",
        "book_assessment",
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"symptoms": ["giving_way"]},
        {"symptoms": ["locking"]},
        {"injury_event": "direct_blow_or_fall", "symptoms": ["swelling"]},
        {"injury_event": "twist_or_pivot", "pain_triggers": ["stairs", "at_rest"]},
    ],
    ids=["giving-way", "locking", "injury-swelling", "meniscus-secondary"],
)
def test_it_replaces_a_running_plan_with_the_exam_plan_when_the_knee_needs_examining(overrides):
    result = evaluate(answers(**{**RUNNERS_KNEE, **overrides}))
    assert result.pattern == "runners_knee"
    assert result.urgency == "assessment"
    assert result.advice == ("assessment_needed", "avoid_twisting", "book_assessment")


def test_it_keeps_the_patterns_own_plan_for_reasons_that_need_no_exam():
    result = evaluate(answers(**RUNNERS_KNEE, duration_days=30, pain_now=8, age=15))
    assert result.assessment_reasons == ("severe_pain", "lasted_over_a_week", "under_16")
    assert result.advice == (*RK_PLAN, "book_assessment")


def test_it_adds_meniscus_info_only_when_the_primary_pattern_is_a_meniscus_tear():
    primary = evaluate(answers(symptoms=["locking"]))
    assert primary.pattern == "meniscus_tear"
    assert "meniscus_info" in primary.advice
    secondary = evaluate(answers(**RUNNERS_KNEE, symptoms=["locking"]))
    assert "meniscus_tear" in secondary.secondary_patterns
    assert "meniscus_info" not in secondary.advice


def test_it_gives_no_advice_from_secondary_patterns():
    result = evaluate(answers(pain_locations=["under_kneecap", "below_kneecap", "outside"]))
    assert result.pattern == "patellar_tendinitis"
    assert result.advice == (*PT_PLAN_ADULT, "monitor_pain")


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
    # The cadence factor of 2026.11.1 is retired: a low step rate is no factor.
    "cadence-100": ({"cadence_spm": 100}, ()),
    "cadence-unknown": ({"cadence_spm": None}, ()),
}


@pytest.mark.parametrize(("overrides", "factors"), FACTOR_CASES.values(), ids=FACTOR_CASES.keys())
def test_it_finds_each_contributing_factor(overrides, factors):
    result = evaluate(answers(pain_locations=["below_kneecap"], **overrides))
    assert result.factors == factors
    factor_advice = tuple(FACTORS[f].advice for f in factors)
    assert result.advice == (*PT_PLAN_ADULT, *factor_advice, "monitor_pain")


ALL_FACTORS = {
    "running_specific_shoes": False,
    "recent_increase": True,
    "surfaces": ["banked_or_cambered"],
    "foot_rolls_inward": "yes",
    "cadence_spm": 160,
}
FACTOR_ADVICE_ORDER = (
    "replace_shoes",
    "recovery_time",
    "avoid_banked_surfaces",
    "motion_control_shoes",
)


def test_it_adds_factor_advice_in_the_spec_order_before_the_ending():
    result = evaluate(answers(pain_locations=["below_kneecap"], **ALL_FACTORS))
    assert result.pattern == "patellar_tendinitis"
    assert result.factors == ("footwear", "training_load", "surface", "overpronation")
    assert result.advice == (*PT_PLAN_ADULT, *FACTOR_ADVICE_ORDER, "monitor_pain")


def test_it_adds_factor_advice_to_the_osteoarthritis_plan():
    result = evaluate(answers(**OSTEOARTHRITIS, recent_increase=True))
    assert result.advice == (*OA_PLAN, "recovery_time", "monitor_pain")


def test_it_adds_factor_advice_to_a_running_plan_that_books_an_assessment():
    result = evaluate(answers(**RUNNERS_KNEE, duration_days=20, recent_increase=True))
    assert result.advice == (*RK_PLAN, "recovery_time", "book_assessment")


@pytest.mark.parametrize(
    "overrides",
    [{}, {"symptoms": ["locking"]}, {**RUNNERS_KNEE, "symptoms": ["giving_way"]}],
    ids=["unclear", "meniscus", "runners-knee-giving-way"],
)
def test_it_records_factors_but_gives_no_factor_advice_with_the_exam_plan(overrides):
    result = evaluate(answers(**overrides, **ALL_FACTORS))
    assert result.factors == ("footwear", "training_load", "surface", "overpronation")
    assert not set(FACTOR_ADVICE_ORDER) & set(result.advice)
    assert result.advice[0] == "assessment_needed"
    assert result.advice[-1] == "book_assessment"


def test_it_never_lists_an_advice_id_twice():
    result = evaluate(answers(**RUNNERS_KNEE, **ALL_FACTORS))
    assert len(result.advice) == len(set(result.advice))


# --- Section 6: the follow-up's "not improving" ------------------------------------------------

not_improving = engine.is_not_improving


@pytest.mark.parametrize("answer", ["same", "worse"])
def test_it_counts_same_or_worse_as_not_improving(answer):
    assert not_improving(answer=answer)
    assert not_improving(answer=answer, pain_now=5, intake_pain_now=8)


def test_it_counts_a_bare_better_as_improving():
    assert not not_improving(answer="better")


@pytest.mark.parametrize(
    ("score", "baseline", "expected"),
    [(6, 8, False), (7, 8, True), (8, 8, True), (9, 8, True), (2, 4, False), (3, 4, True)],
)
def test_it_needs_better_to_be_2_points_below_the_baseline(score, baseline, expected):
    assert not_improving(answer="better", pain_now=score, intake_pain_now=baseline) is expected
    assert (
        not_improving(answer="better", pain_worst_week=score, intake_pain_worst_week=baseline)
        is expected
    )


@pytest.mark.parametrize("answer", ["better", "same", "worse"])
@pytest.mark.parametrize("score", [0, 1])
def test_it_counts_a_score_of_0_or_1_as_always_improving(answer, score):
    assert not not_improving(answer=answer, pain_now=score, intake_pain_now=1)
    assert not not_improving(answer=answer, pain_worst_week=score, intake_pain_worst_week=0)


def test_it_counts_a_score_of_2_by_the_usual_rule():
    assert not_improving(answer="better", pain_now=2, intake_pain_now=3)
    assert not not_improving(answer="better", pain_now=2, intake_pain_now=4)


def test_it_compares_the_worst_week_with_the_intakes_worst_week_not_its_pain_now():
    # Worst week 6 against the intake's worst week 9: better; against pain_now 3 it would not be.
    assert not not_improving(
        answer="better",
        pain_worst_week=6,
        pain_now=3,
        intake_pain_worst_week=9,
        intake_pain_now=3,
    )
    assert not_improving(
        answer="better",
        pain_worst_week=8,
        pain_now=1,
        intake_pain_worst_week=9,
        intake_pain_now=9,
    )


def test_it_lets_the_word_decide_when_the_intake_lacks_the_measure_given():
    assert not not_improving(
        answer="better", pain_worst_week=9, intake_pain_worst_week=None, intake_pain_now=2
    )
    assert not_improving(answer="same", pain_worst_week=9, intake_pain_worst_week=None)


def test_it_refuses_an_unknown_follow_up_answer():
    with pytest.raises(ValueError):
        not_improving(answer="fine")


# --- The result object ----------------------------------------------------------------------


def test_it_returns_json_ready_values_as_the_outcome_row_stores_them():
    result = evaluate(answers(**RUNNERS_KNEE, symptoms=["locking"], cadence_spm=150))
    stored = json_stored(result)
    assert json.loads(json.dumps(stored, allow_nan=False)) == stored
    assert result.pattern == "runners_knee"
    assert result.secondary_patterns == ("meniscus_tear",)
    assert result.care_route is None
    assert result.assessment_reasons == ("pattern_needs_exam", "locking_or_giving_way")
    assert result.rules_version == RULES_VERSION == "2026.12.1"
    urgent = evaluate(answers(red_flags=["numb_cold_foot"]))
    assert (urgent.care_route, urgent.assessment_reasons) == ("emergency", ())


def test_it_returns_a_frozen_result():
    result = evaluate(answers())
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.pattern = "runners_knee"


def test_it_does_not_change_the_answers_it_reads():
    given = answers(**RUNNERS_KNEE)
    before = json.dumps(given)
    evaluate(given)
    assert json.dumps(given) == before


# --- Texts, by id and by version --------------------------------------------------------------


def test_it_reads_names_and_texts_from_the_rules():
    assert pattern_name("patellar_tendinitis") == "Patellar tendinopathy (jumper's knee)"
    assert reason_text("under_16") == ASSESSMENT_REASONS["under_16"].text
    assert advice_text("ice_15") == ADVICE["ice_15"]
    assert factor_label("footwear") == FACTORS["footwear"].label


def test_it_keeps_the_advice_an_old_outcome_was_given():
    assert advice_text("ice_15", version="2026.11.1") == (
        "Ice the knee for 15 minutes, several times a day, to calm inflammation."
    )
    assert advice_text("soft_surfaces", version="2026.11.1").startswith("Run on soft surfaces")
    assert advice_text("monitor_pain", version="2026.11.1").startswith("Monitor your pain.")
    assert factor_label("cadence", version="2026.11.1") == "A step rate under 170 per minute"
    with pytest.raises(KeyError):
        advice_text("soft_surfaces")
    with pytest.raises(KeyError):
        factor_label("cadence")


def test_it_renders_every_id_an_old_outcome_could_hold():
    old = rules.ADVICE_BY_VERSION["2026.11.1"]
    assert len(old) == 24
    assert all(old.values())
    assert set(rules.FACTOR_LABELS_BY_VERSION["2026.11.1"]) == {*FACTORS, "cadence"}


def test_it_has_texts_for_the_current_version_under_its_own_version():
    assert rules.ADVICE_BY_VERSION[RULES_VERSION] is ADVICE
    assert list(rules.ADVICE_BY_VERSION) == ["2026.11.1", RULES_VERSION]


# --- The rules as data ----------------------------------------------------------------------


def _every_condition() -> list[rules.Condition]:
    conditions = [c for cs in rules.SIGN_CONDITIONS.values() for c in cs]
    conditions += [c for f in FACTORS.values() for c in f.when_any]
    conditions += [c for r in ASSESSMENT_REASONS.values() for g in r.when_any for c in g]
    conditions += [c for p in PATTERNS.values() for c in p.only_when]
    conditions += [c for a in rules.CATALOGUE.values() for c in a.only_when]
    return conditions


def test_it_only_tests_answers_that_exist_with_values_they_can_take():
    for condition in _every_condition():
        question = QUESTIONS[condition.key]
        assert condition.op in engine._OPS
        tuple_ops = ("includes_any", "one_of")
        values = condition.value if condition.op in tuple_ops else (condition.value,)
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
    for pattern in PATTERNS.values():
        assert pattern.name
        assert pattern.what_it_is


def test_it_gives_only_catalogued_advice_and_uses_every_item():
    referenced = {a for a, item in rules.CATALOGUE.items() if item.plans}
    referenced |= {f.advice for f in FACTORS.values()}
    referenced |= {*rules.URGENT_ADVICE, rules.MONITOR_ADVICE, rules.BOOK_ADVICE}
    assert referenced == set(ADVICE)
    plans = {p for item in rules.CATALOGUE.values() for p in item.plans}
    assert plans <= {*PATTERNS, rules.EXAM_PLAN}


def test_it_keeps_the_articles_outdated_advice_out_of_every_current_text():
    # Section 10: what the specification no longer says, anywhere a patient could read it.
    texts = [*ADVICE.values(), *(p.name for p in PATTERNS.values())]
    texts += [p.what_it_is for p in PATTERNS.values()]
    texts += [*SIGNS.values(), *(f.label for f in FACTORS.values())]
    texts += [q.text for q in QUESTIONS.values()]
    texts += [label for q in QUESTIONS.values() for _, label in q.choices]
    for text in texts:
        lowered = text.lower()
        for outdated in ("calm inflammation", "170–180", "gliding", "rubs on bone", "bone on"):
            assert outdated not in lowered, text
        assert "soft surface" not in lowered, text
        assert "tendinitis" not in lowered, text


def test_it_refuses_a_child_under_12_with_the_kind_message():
    from intake.triage import AnswerError, clean_answers
    from tests.intake.triage import REQUIRED

    with pytest.raises(AnswerError) as caught:
        clean_answers({**REQUIRED, "age": 11})
    assert caught.value.errors == {"age": [rules.UNDER_12_MESSAGE]}
    assert "not for young children" in rules.UNDER_12_MESSAGE
    assert clean_answers({**REQUIRED, "age": 12})["age"] == 12


# --- The rules match the clinical specification, word for word -----------------------------


def test_it_has_the_specification_in_the_repository():
    assert SPEC.is_file(), f"the clinical specification must be at {SPEC}"


def test_it_keeps_the_repository_copy_identical_to_the_shared_one_when_present():
    if not SHARED_SPEC.exists():
        return  # only the repository copy counts outside the team's machine
    assert SPEC.is_file(), f"the clinical specification must be at {SPEC}"
    assert SPEC.read_bytes() == SHARED_SPEC.read_bytes(), (
        f"{SPEC} differs from {SHARED_SPEC}: copy the new specification into the repository "
        "and update the rules"
    )


@pytest.fixture(scope="module")
def spec_text() -> str:
    if not SPEC.is_file():
        pytest.fail(f"the clinical specification is missing: {SPEC}")
    return SPEC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def spec_sections(spec_text) -> dict[str, str]:
    parts = re.split(r"^## (\d+)\. .*$", spec_text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _table_rows(text: str) -> list[list[str]]:
    """The cells of each table row whose first cell is a `key`."""
    lines = [line.strip() for line in text.splitlines() if line.startswith("| `")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


def _plain(text: str) -> str:
    return " ".join(text.split())


def _ids(text: str) -> list[str]:
    return re.findall(r"`(\w+)`", text)


def test_it_matches_the_spec_rules_version(spec_text):
    assert (
        re.search(r"Rules version for this document: \*\*`([\d.]+)`\*\*", spec_text).group(1)
        == RULES_VERSION
    )


def test_it_matches_the_spec_red_flags(spec_sections):
    rows = [r for r in _table_rows(spec_sections["2"]) if len(r) == 4]
    assert [(k.strip("`"), q, s, r.strip("`")) for k, q, s, r in rows] == [
        (key, flag.question, flag.statement, flag.route) for key, flag in RED_FLAGS.items()
    ]


def test_it_matches_the_spec_route_texts(spec_sections):
    rows = [r for r in _table_rows(spec_sections["2"]) if len(r) == 2]
    assert [(route.strip("`"), text) for route, text in rows] == list(rules.ROUTE_TEXTS.items())
    assert list(rules.ROUTE_TEXTS) == list(rules.CARE_ROUTES)
    order = re.search(r"\(`(\w+)` before `(\w+)` before `(\w+)`\)", spec_sections["2"]).groups()
    assert order == rules.CARE_ROUTES
    line = re.search(r'also says: "(.+?)"', spec_sections["2"], re.S).group(1)
    assert _plain(line) == rules.BREATHLESSNESS_TEXT


# How the specification writes a sign, as the condition the rules hold for it.
_SIGN_WORDS = {
    "location": ("pain_locations", "includes_any"),
    "trigger": ("pain_triggers", "includes_any"),
    "symptom": ("symptoms", "includes_any"),
    "surface": ("surfaces", "includes_any"),
    "run_onset": ("run_onset", "equals"),
    "injury_event": ("injury_event", "equals"),
}


def _spec_sign(text: str) -> tuple[tuple[rules.Condition, ...], int]:
    """('symptom `stiffness` or `morning_stiffness` (1, once)') -> (conditions, points)."""
    words, points = re.fullmatch(r"(.+?) \((\d)(?:, once)?\)", text.strip()).groups()
    if m := re.fullmatch(r"`(\w+)` true", words):
        return (rules.Condition(m.group(1), "equals", True),), int(points)
    kind, rest = words.split(" ", 1)
    key, op = _SIGN_WORDS[kind]
    conditions = []
    if m := re.search(r" with age ≥ (\d+)$", rest):
        rest = rest[: m.start()]
        conditions.append(rules.Condition("age", "at_least", int(m.group(1))))
    values = tuple(_ids(rest))
    value = values if op == "includes_any" else values[0]
    return (rules.Condition(key, op, value), *conditions), int(points)


def test_it_matches_the_spec_patterns_names_and_signs(spec_sections):
    rows = _table_rows(spec_sections["3"])
    assert [r[0].strip("`") for r in rows] == [k for k in PATTERNS if k != "unclear"]
    for key, name, signs in rows:
        pattern = PATTERNS[key.strip("`")]
        assert pattern.name == name, key
        gate = re.match(r"\*\*only when `age` ≥ (\d+)\*\* \([^)]*\): ", signs)
        if gate:
            assert pattern.only_when == (rules.Condition("age", "at_least", int(gate[1])),)
            signs = signs[gate.end() :]
        else:
            assert pattern.only_when == (), key
        expected = [_spec_sign(sign) for sign in signs.split(";")]
        actual = [(rules.SIGN_CONDITIONS[sign], points) for sign, points in pattern.signs]
        assert actual == expected, key


def test_it_matches_the_spec_threshold_and_tie_order(spec_sections):
    section = _plain(spec_sections["3"])
    assert int(re.search(r"provided it reaches \*\*(\d+)\*\*", section)[1]) == (
        rules.PATTERN_THRESHOLD
    )
    ties = re.search(r"Ties are broken in this order: (.+?)\.", section)[1]
    assert tuple(_ids(ties)) == rules.TIE_ORDER
    assert re.search(r"Other patterns scoring ≥ (\d)", section)[1] == str(rules.PATTERN_THRESHOLD)


def test_it_matches_the_spec_assessment_reasons(spec_sections):
    rows = [r for r in _table_rows(spec_sections["4"]) if len(r) == 3 and r[0] != "`urgent`"]
    rows = [r for r in rows if r[0].strip("`") not in ("assessment", "self_care", "urgent")]
    assert [(r[0].strip("`"), r[2]) for r in rows] == [
        (key, reason.text) for key, reason in ASSESSMENT_REASONS.items()
    ]
    urgencies = [r[0].strip("`") for r in _table_rows(spec_sections["4"])][:3]
    assert tuple(urgencies) == rules.URGENCIES


def _given_for(text: str) -> tuple[set[str], tuple[str, ...], tuple[rules.Condition, ...]]:
    """'patellar_tendinitis, age ≥ 16' -> (plans, primary_in, only_when)."""
    plans: set[str] = set()
    primary: tuple[str, ...] = ()
    if text.startswith("running patterns"):
        plans |= set(rules.RUNNING_PATTERNS)
    if text.startswith("the exam plan"):
        plans.add(rules.EXAM_PLAN)
    if m := re.search(r"primary pattern `(\w+)`", text):
        primary = (m[1],)
        text = text[: m.start()]
    plans |= {word for word in re.findall(r"\w+", text) if word in PATTERNS}
    only_when: tuple[rules.Condition, ...] = ()
    if m := re.search(r"age ≥ (\d+)", text):
        only_when = (rules.Condition("age", "at_least", int(m[1])),)
    if m := re.search(r"age < (\d+)", text):
        only_when = (rules.Condition("age", "below", int(m[1])),)
    return plans, primary, only_when


def test_it_matches_the_spec_advice_catalogue(spec_sections):
    catalogue = [r for r in _table_rows(spec_sections["5"]) if not r[2].startswith("`")]
    assert [r[0].strip("`") for r in catalogue] == list(rules.CATALOGUE)
    for advice_id, text, given_for in catalogue:
        item = rules.CATALOGUE[advice_id.strip("`")]
        assert item.text == ADVICE[advice_id.strip("`")] == text
        plans, primary, only_when = _given_for(given_for)
        assert (set(item.plans), item.primary_in, item.only_when) == (plans, primary, only_when)
    assert rules.URGENT_ADVICE == ("seek_urgent_care",)
    assert "urgent (the only item)" in dict((r[0], r[2]) for r in catalogue)["`seek_urgent_care`"]


def test_it_matches_the_spec_running_patterns_and_exam_plan(spec_sections):
    section = _plain(spec_sections["5"])
    running = re.search(r"\*\*Running patterns\*\* are (.+?)\.", section)[1]
    assert tuple(_ids(running)) == rules.RUNNING_PATTERNS
    reasons = re.search(r"whenever the assessment reasons include (.+?) \(", section)[1]
    assert set(_ids(reasons)) == rules.EXAM_PLAN_REASONS
    plan = re.search(r"no running advice\): (.+?)\.\s", section)[1]
    assert "then `meniscus_info` when the primary pattern is `meniscus_tear`" in plan
    assert (
        tuple(i for i in _ids(plan) if i != "meniscus_tear")
        == (rules.PATTERN_ADVICE[rules.EXAM_PLAN])
    )
    own_plans = re.search(r"only when the plan is (.+?) own plan", section)[1]
    assert "running pattern" in own_plans
    assert "osteoarthritis" in own_plans
    assert {*rules.RUNNING_PATTERNS, "osteoarthritis"} == rules.FACTOR_ADVICE_PLANS


def test_it_matches_the_spec_factors_and_endings(spec_sections):
    factor_rows = [r for r in _table_rows(spec_sections["5"]) if r[2].startswith("`")]
    assert [r[0].strip("`") for r in factor_rows] == list(FACTORS)
    assert "cadence" not in FACTORS
    assert "The `cadence` factor of version `2026.11.1` is retired" in spec_sections["5"]
    for factor, _, advice in factor_rows:
        advice_id, _, text = advice.partition(": ")
        assert FACTORS[factor.strip("`")].advice == advice_id.strip("`")
        assert ADVICE[advice_id.strip("`")] == rules.FACTOR_ADVICE[advice_id.strip("`")] == text
    for ending in ("monitor_pain", "book_assessment"):
        quoted = re.search(rf'`{ending}` \(urgency `(\w+)`\): "(.+?)"', spec_sections["5"], re.S)
        assert ADVICE[ending] == rules.ENDINGS[ending] == _plain(quoted[2])
    assert list(ADVICE)[-2:] == ["monitor_pain", "book_assessment"]


def test_it_matches_the_spec_follow_up_rule(spec_sections):
    section = _plain(spec_sections["6"])
    assert "2 points is the usual minimal clinically important change" in section
    assert rules.MIN_IMPROVEMENT_POINTS == 2
    assert "A score of 0 or 1 is always improving." in section
    assert rules.ALWAYS_IMPROVING_AT_MOST == 1
    assert tuple(_ids(re.search(r"one-tap answers (.+?) through", section)[1])) == (
        rules.FOLLOW_UP_ANSWERS
    )


def test_it_matches_the_spec_disclaimer(spec_sections):
    assert _plain(re.search(r'"(.+?)"', spec_sections["8"], re.S).group(1)) == DISCLAIMER


# Section 1's question column adds notes for the form in brackets to these questions.
_ANNOTATED_QUESTIONS = {"pain_locations", "symptoms", "duration_days"}


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
    for key, kind, values, text in rows:
        question = QUESTIONS[key.strip("`")]
        assert (question.type, question.nullable) == types[kind], key
        assert question.min_items == (1 if "≥1" in kind else 0), key
        if question.key == "red_flags":
            assert [c for c, _ in question.choices] == list(RED_FLAGS)
            assert [label for _, label in question.choices] == [
                flag.question for flag in RED_FLAGS.values()
            ]
        elif question.choices:
            assert [c for c, _ in question.choices] == _ids(values), key
        elif question.type != "boolean":
            assert f"{question.min}–{question.max}" == values, key
        if question.key in _ANNOTATED_QUESTIONS:
            assert text.startswith(question.text + " ("), key
        elif question.key != "red_flags":
            assert question.text == text, key
    required = re.search(r"Required: (.+?) \(", section, re.S).group(1)
    assert sorted(_ids(required)) == sorted(
        key for key, question in QUESTIONS.items() if question.required
    )


def test_it_matches_the_spec_defaults_and_nulls(spec_sections):
    section = _plain(spec_sections["1"])
    assert "An explicit `null` is refused, except for `shoe_km` and `cadence_spm`." in section
    assert {k for k, q in QUESTIONS.items() if q.nullable} == {"shoe_km", "cadence_spm"}
    defaults = re.search(r"missing means: (.+?)\.", section)[1]
    assert "`injury_event` = `none_gradual`" in defaults
    assert QUESTIONS["injury_event"].default == "none_gradual"
    assert "`running_specific_shoes` = `true`" in defaults
    assert QUESTIONS["running_specific_shoes"].default is True
    assert "`foot_rolls_inward` = `unsure`" in defaults
    assert QUESTIONS["foot_rolls_inward"].default == "unsure"
    assert QUESTIONS["age"].min == 12
    assert "`age` < 12" in spec_sections["9"]


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

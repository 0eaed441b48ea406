"""One explanation of an outcome: what each urgency says, to a patient and to a clinician."""

import re
from pathlib import Path

import pytest

from intake import triage
from intake.explain import ADVICE_HEADINGS, PATTERN_INTRO, outcome_explained, plain_words_in
from intake.models import Pattern
from tests.support import factories
from tests.support.advice import ALL_FACTORS

pytestmark = pytest.mark.django_db

SPEC = Path(__file__).resolve().parents[2] / "docs" / "clinical" / "knee-triage.md"


@pytest.fixture(autouse=True)
def clinic_numbers(settings):
    settings.EMERGENCY_NUMBER = "112"
    settings.CLINIC_PHONE = "+44 20 7946 0000"


def test_a_self_care_outcome_is_explained_with_its_pattern_disclaimer_and_plan():
    outcome = factories.make_intake().outcome
    explained = outcome_explained(outcome)
    assert explained.urgency == "self_care"
    assert explained.heading == "Self-care is advised"
    assert explained.plan_heading == "Your self-care plan"
    assert (explained.pattern, explained.pattern_name) == (
        "runners_knee",
        "Runner's knee (pain around the kneecap)",
    )
    assert explained.pattern_name == triage.pattern_name("runners_knee")
    assert explained.pattern_intro == PATTERN_INTRO == "Your answers fit a pattern often seen in…"
    assert explained.pattern_what == triage.PATTERNS["runners_knee"].what_it_is
    assert explained.disclaimer == triage.DISCLAIMER
    assert (explained.care_route, explained.care_route_text, explained.breathlessness) == (
        None,
        None,
        None,
    )
    assert explained.red_flags == () and explained.assessment_reasons == ()
    # The stored order, the rules' texts, one heading each.
    assert [a.id for a in explained.advice] == outcome.advice
    assert [a.text for a in explained.advice] == [triage.ADVICE[a] for a in outcome.advice]
    assert [a.heading for a in explained.advice] == [ADVICE_HEADINGS[a] for a in outcome.advice]
    assert explained.signs == tuple(triage.SIGNS[s] for s in outcome.matched_signs["runners_knee"])
    assert explained.rules_version == "2026.12.1"


def test_an_assessment_gives_its_reasons_in_the_specs_order_and_words():
    outcome = factories.make_intake(
        duration_days=30, pain_worst_week=9, symptoms=["giving_way"]
    ).outcome
    explained = outcome_explained(outcome)
    assert explained.heading == "We advise an assessment by a clinician"
    assert explained.plan_heading == "Until you are seen"
    assert [(r.id, r.text) for r in explained.assessment_reasons] == [
        ("locking_or_giving_way", "Your knee catches or gives way."),
        ("severe_pain", "Your pain is severe."),
        ("lasted_over_a_week", "You have had this pain for more than a week."),
    ]
    assert [a.id for a in explained.advice] == [
        "assessment_needed",
        "avoid_twisting",
        "book_assessment",
    ]
    assert explained.care_route is None


def test_an_urgent_outcome_shows_a_patient_the_route_and_no_pattern():
    outcome = factories.make_intake(
        red_flags=["night_pain_weight_loss", "numb_cold_foot"], **ALL_FACTORS
    ).outcome
    explained = outcome_explained(outcome, audience="patient")
    assert explained.heading == "Please seek medical care"
    assert (explained.pattern, explained.pattern_name, explained.pattern_intro) == (None, None, "")
    assert explained.signs == () and explained.secondary == () and explained.factors == ()
    assert explained.matched_signs == {} and explained.scores == {}
    assert explained.care_route == "emergency"
    assert explained.care_route_text == (
        "Go to an emergency department now, or call 112. Do not drive yourself."
    )
    assert explained.breathlessness == (
        "If you become short of breath or have chest pain, call 112 now."
    )
    # Statements, never the questions, in the rules' order.
    assert [(f.id, f.text) for f in explained.red_flags] == [
        ("numb_cold_foot", "Your foot is cold, pale or blue, or numb"),
        ("night_pain_weight_loss", "Night pain with unexplained weight loss or past cancer"),
    ]
    assert [(a.id, a.text) for a in explained.advice] == [
        ("seek_urgent_care", triage.ADVICE["seek_urgent_care"])
    ]
    assert explained.disclaimer == triage.DISCLAIMER


def test_an_urgent_route_text_fills_in_the_clinics_phone():
    outcome = factories.make_intake(red_flags=["calf_swelling_pain"]).outcome
    explained = outcome_explained(outcome)
    assert explained.care_route == "same_day"
    assert "Call the clinic on +44 20 7946 0000 if you are unsure" in explained.care_route_text


def test_a_clinician_sees_the_pattern_of_an_urgent_outcome():
    outcome = factories.make_intake(red_flags=["cannot_bear_weight"]).outcome
    explained = outcome_explained(outcome, audience="staff")
    assert explained.heading == "Urgent: same-day care"
    assert explained.pattern == "runners_knee"
    assert explained.pattern_name == "Runner's knee (pain around the kneecap)"
    assert explained.signs
    assert explained.care_route == "same_day"
    assert [f.text for f in explained.red_flags] == [
        "You can't put weight on the leg and take four steps"
    ]


def test_an_outcome_of_rules_2026_11_1_keeps_its_words_and_version():
    intake = factories.make_intake()
    outcome = intake.outcome
    outcome.rules_version = "2026.11.1"
    outcome.advice = ["foam_roll_quads", "strengthen_glutes_core", "monitor_pain"]
    outcome.factors = ["cadence"]
    outcome.save()
    explained = outcome_explained(outcome)
    old = triage.ADVICE_BY_VERSION["2026.11.1"]
    assert [a.text for a in explained.advice] == [
        old["foam_roll_quads"],
        old["strengthen_glutes_core"],
        old["monitor_pain"],
    ]
    assert all(a.heading for a in explained.advice)
    assert [f.text for f in explained.factors] == ["A step rate under 170 per minute"]
    assert explained.rules_version == "2026.11.1"
    # Its jargon gets plain words beside it.
    assert explained.plain_words == (
        ("quadriceps", "front-of-thigh muscles"),
        ("glutes", "buttock muscles"),
    )


def test_an_urgent_outcome_of_earlier_rules_has_no_route_rather_than_a_guessed_one():
    outcome = factories.make_intake(red_flags=["calf_swelling_pain"]).outcome
    outcome.rules_version = "2026.11.1"
    outcome.care_route = ""  # stored blank: never re-scored
    outcome.advice = ["seek_urgent_care"]
    outcome.save()
    explained = outcome_explained(outcome)
    assert (explained.care_route, explained.care_route_text) == (None, None)
    assert explained.breathlessness  # still on every urgent explanation
    assert explained.advice[0].text == "Seek medical care today. Do not run."


def test_an_unclear_outcome_is_not_introduced_as_a_pattern():
    outcome = factories.make_intake(pain_locations=["back"], pain_triggers=[]).outcome
    explained = outcome_explained(outcome)
    assert explained.pattern == "unclear"
    assert explained.pattern_name == "No clear pattern"
    assert explained.pattern_intro == ""


def test_step_rate_gets_its_plain_words():
    assert plain_words_in(["Raise your own step rate by 5–10%."]) == (
        ("step rate", "steps per minute"),
    )
    assert plain_words_in(["Walk more."]) == ()


def test_the_plain_words_are_the_specs():
    text = " ".join(SPEC.read_text().split())  # fails, never skips, when the spec is missing
    match = re.search(r"Plain words beside the jargon on the form: ([^.]+)\.", text)
    assert match, "section 1's plain words sentence"
    pairs = tuple(tuple(pair.split(" = ")) for pair in match.group(1).split(", "))
    assert pairs == triage.PLAIN_WORDS


def test_the_pattern_choices_carry_the_names_shown_to_patients():
    assert dict(Pattern.choices) == {key: triage.pattern_name(key) for key in triage.PATTERNS}


def test_every_advice_id_of_every_version_has_exactly_one_heading():
    every_id = {a for texts in triage.ADVICE_BY_VERSION.values() for a in texts}
    assert set(ADVICE_HEADINGS) == every_id
    assert all(ADVICE_HEADINGS.values())


# --- The words are built once per outcome, audience and language (explain._explained) -------


def test_the_same_words_come_back_for_the_same_outcome_and_each_gets_its_own_mappings():
    outcome, twin = factories.make_intake().outcome, factories.make_intake().outcome
    first = outcome_explained(outcome)
    assert outcome_explained(outcome) == first == outcome_explained(twin)
    first.matched_signs["runners_knee"] = ["changed by a caller"]
    first.scores["runners_knee"] = -1
    # The words are shared; the mappings are each outcome's own, as before the cache.
    assert outcome_explained(twin).matched_signs == twin.matched_signs
    assert outcome_explained(twin).scores == twin.scores
    assert outcome_explained(twin).signs == first.signs


def test_an_outcome_that_differs_in_any_field_is_explained_afresh():
    outcome = factories.make_intake().outcome
    before = outcome_explained(outcome)
    outcome.advice = list(reversed(outcome.advice))
    after = outcome_explained(outcome)
    assert [a.id for a in after.advice] == outcome.advice != [a.id for a in before.advice]
    outcome.matched_signs = {"runners_knee": []}
    assert outcome_explained(outcome).signs == ()


def test_a_setting_the_words_carry_takes_effect_at_once(settings):
    outcome = factories.make_intake(red_flags=["numb_cold_foot"]).outcome
    assert "112" in outcome_explained(outcome).breathlessness
    settings.EMERGENCY_NUMBER = "911"
    assert "911" in outcome_explained(outcome).breathlessness


def test_the_same_outcome_reads_in_each_language_and_each_audience():
    from clinic import languages

    outcome = factories.make_intake().outcome
    english = outcome_explained(outcome)
    with languages.override("es"):
        spanish = outcome_explained(outcome)
    assert spanish.heading != english.heading
    assert spanish.advice[0].text != english.advice[0].text
    assert outcome_explained(outcome, audience="staff").heading == "Self-care"
    assert outcome_explained(outcome).heading == english.heading

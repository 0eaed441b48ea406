"""Properties over generated answers: every valid set triages sanely, garbage is only refused."""

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intake.triage import (
    ADVICE,
    ASSESSMENT_REASONS,
    CARE_ROUTES,
    FACTORS,
    PATTERNS,
    QUESTIONS,
    RED_FLAGS,
    SIGNS,
    URGENCIES,
    AnswerError,
    answers_json_schema,
    clean_answers,
    evaluate,
    is_not_improving,
    plan_name,
)
from intake.triage.rules import EXAM_PLAN, FACTOR_ADVICE_PLANS, Question
from tests.intake.triage import json_stored

# No example database: it would leave a .hypothesis folder in the working tree.
FAST = settings(max_examples=200, deadline=None, database=None)


def valid_value(question: Question) -> st.SearchStrategy[Any]:
    """Any value the specification allows for this question, built from QUESTIONS itself."""
    values = [choice for choice, _ in question.choices]
    strategies = {
        "enum": lambda: st.sampled_from(values),
        "enum_list": lambda: st.lists(
            st.sampled_from(values), unique=True, min_size=question.min_items
        ),
        "boolean": st.booleans,
        "integer": lambda: st.integers(question.min, question.max),
        "number": lambda: (
            st.integers(question.min, question.max)
            | st.floats(question.min, question.max, allow_nan=False)
        ),
    }
    strategy = strategies[question.type]()
    return st.none() | strategy if question.nullable else strategy


VALID_ANSWERS = st.fixed_dictionaries(
    {key: valid_value(q) for key, q in QUESTIONS.items() if q.required},
    optional={key: valid_value(q) for key, q in QUESTIONS.items() if not q.required},
)

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(
        [c for q in QUESTIONS.values() for c, _ in q.choices] + [0, 10, 12, 100, 170, 800.5]
    ),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
ANSWER_KEYS = st.sampled_from(list(QUESTIONS)) | st.text(max_size=12)


@FAST
@given(VALID_ANSWERS)
def test_it_triages_every_valid_answer_set_sanely(raw):
    result = evaluate(clean_answers(raw))

    assert result.pattern in PATTERNS
    assert result.urgency in URGENCIES
    assert set(result.scores) == set(PATTERNS) - {"unclear"}
    top = max(result.scores.values())
    if result.pattern == "unclear":
        assert top < 3
    else:
        assert result.scores[result.pattern] == top >= 3
    assert result.pattern not in result.secondary_patterns
    assert all(result.scores[p] >= 3 for p in result.secondary_patterns)
    for pattern, signs in result.matched_signs.items():
        assert signs
        assert set(signs) <= set(SIGNS)
        assert result.scores[pattern] > 0

    if raw["age"] < 45:
        assert result.scores["osteoarthritis"] == 0
        assert "osteoarthritis" not in (result.pattern, *result.secondary_patterns)

    assert set(result.advice) <= set(ADVICE)
    assert len(set(result.advice)) == len(result.advice)
    assert set(result.factors) <= set(FACTORS)
    assert "cadence" not in result.factors
    reasons = result.assessment_reasons
    assert list(reasons) == [r for r in ASSESSMENT_REASONS if r in reasons]
    assert bool(reasons) == (result.urgency == "assessment")
    assert (result.care_route is not None) == (result.urgency == "urgent")
    if result.urgency != "urgent":
        ending = "book_assessment" if result.urgency == "assessment" else "monitor_pain"
        assert result.advice[-1] == ending
        other_ending = "monitor_pain" if ending == "book_assessment" else "book_assessment"
        assert other_ending not in result.advice
        plan = plan_name(result.pattern, reasons)
        factor_advice = {FACTORS[f].advice for f in result.factors}
        if plan in FACTOR_ADVICE_PLANS:
            assert factor_advice <= set(result.advice)
        else:
            assert not factor_advice & set(result.advice)
        if plan == EXAM_PLAN:
            assert result.advice[0] == "assessment_needed"
            assert "pain_guided_running" not in result.advice
        assert ("tendon_loading" in result.advice) <= (raw["age"] >= 16)
        assert ("young_athlete_load" in result.advice) <= (raw["age"] < 16)

    data = json_stored(result)
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert evaluate(clean_answers(raw)) == result


@FAST
@given(VALID_ANSWERS, st.lists(st.sampled_from(list(RED_FLAGS)), unique=True, min_size=1))
def test_it_makes_any_red_flag_urgent_with_only_urgent_advice(raw, red_flags):
    result = evaluate(clean_answers({**raw, "red_flags": red_flags}))
    assert result.urgency == "urgent"
    assert result.advice == ("seek_urgent_care",)
    assert result.factors == ()
    assert result.assessment_reasons == ()
    assert set(result.red_flags) == set(red_flags)
    routes = {RED_FLAGS[f].route for f in red_flags}
    assert result.care_route in routes
    assert all(CARE_ROUTES.index(result.care_route) <= CARE_ROUTES.index(r) for r in routes)


@FAST
@given(VALID_ANSWERS)
def test_it_offers_a_plan_whenever_there_is_no_red_flag(raw):
    result = evaluate(clean_answers({**raw, "red_flags": []}))
    assert result.urgency in {"assessment", "self_care"}
    assert result.red_flags == ()
    assert result.care_route is None
    if result.pattern in {"meniscus_tear", "unclear"} or "meniscus_tear" in (
        result.secondary_patterns
    ):
        assert result.urgency == "assessment"
        assert result.assessment_reasons[0] == "pattern_needs_exam"
        assert result.advice[0] == "assessment_needed"


@FAST
@given(st.dictionaries(ANSWER_KEYS, JSON_VALUES, max_size=25))
def test_it_only_ever_refuses_garbage_with_an_answer_error(raw):
    try:
        cleaned = clean_answers(raw)
    except AnswerError as exc:
        assert exc.errors
        assert all(isinstance(k, str) and msgs for k, msgs in exc.errors.items())
    else:
        evaluate(cleaned)


@FAST
@given(JSON_VALUES)
def test_it_refuses_anything_but_an_object_with_an_answer_error(raw):
    if isinstance(raw, dict):
        return
    with pytest.raises(AnswerError):
        clean_answers(raw)


@FAST
@given(VALID_ANSWERS, st.sampled_from(list(QUESTIONS)), JSON_VALUES)
def test_it_blames_the_field_that_is_wrong(raw, key, value):
    try:
        clean_answers({**raw, key: value})
    except AnswerError as exc:
        assert list(exc.errors) == [key]


@FAST
@given(VALID_ANSWERS | st.dictionaries(ANSWER_KEYS, JSON_VALUES, max_size=25))
def test_it_accepts_nothing_the_json_schema_refuses(raw):
    jsonschema = pytest.importorskip("jsonschema")
    try:
        clean_answers(raw)
    except AnswerError:
        return
    jsonschema.validate(raw, answers_json_schema(), cls=jsonschema.Draft202012Validator)


SCORES = st.none() | st.integers(0, 10)


@FAST
@given(st.sampled_from(["better", "same", "worse"]), SCORES, SCORES, SCORES, SCORES)
def test_it_decides_not_improving_by_section_6(answer, worst, now, intake_worst, intake_now):
    result = is_not_improving(
        answer=answer,
        pain_worst_week=worst,
        pain_now=now,
        intake_pain_worst_week=intake_worst,
        intake_pain_now=intake_now,
    )
    score, baseline = (worst, intake_worst) if worst is not None else (now, intake_now)
    if score is not None and score <= 1:
        assert result is False
    elif answer in ("same", "worse"):
        assert result is True
    elif score is None or baseline is None:
        assert result is False
    else:
        assert result is (score > baseline - 2)

"""Properties over generated answers: every valid set triages sanely, garbage is only refused."""

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intake.triage import (
    ADVICE,
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
)
from intake.triage.rules import Question

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

    assert set(result.advice) <= set(ADVICE)
    assert len(set(result.advice)) == len(result.advice)
    assert set(result.factors) <= set(FACTORS)
    if result.urgency != "urgent":
        assert result.advice[-1] == "monitor_pain"
        assert {FACTORS[f].advice for f in result.factors} <= set(result.advice)

    data = result.as_dict()
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert evaluate(clean_answers(raw)) == result


@FAST
@given(VALID_ANSWERS, st.lists(st.sampled_from(list(RED_FLAGS)), unique=True, min_size=1))
def test_it_makes_any_red_flag_urgent_with_only_urgent_advice(raw, red_flags):
    result = evaluate(clean_answers({**raw, "red_flags": red_flags}))
    assert result.urgency == "urgent"
    assert result.advice == ("seek_urgent_care",)
    assert result.factors == ()
    assert set(result.red_flags) == set(red_flags)


@FAST
@given(VALID_ANSWERS)
def test_it_offers_a_plan_whenever_there_is_no_red_flag(raw):
    result = evaluate(clean_answers({**raw, "red_flags": []}))
    assert result.urgency in {"assessment", "self_care"}
    assert result.red_flags == ()
    if result.pattern in {"meniscus_tear", "unclear"}:
        assert result.urgency == "assessment"
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

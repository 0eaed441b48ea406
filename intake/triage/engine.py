"""Applying the knee-triage rules to cleaned answers: pattern, urgency, route, advice, and why.

Pure and deterministic: no I/O, no clock, no Django. All clinical content is in rules.py;
this module only knows how to read those tables, and how to look their texts up.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from intake.triage.rules import (
    ADVICE_BY_VERSION,
    ALWAYS_IMPROVING_AT_MOST,
    ASSESSMENT,
    ASSESSMENT_REASONS,
    BOOK_ADVICE,
    BREATHLESSNESS_TEXT,
    CARE_ROUTES,
    CATALOGUE,
    EXAM_PLAN,
    EXAM_PLAN_REASONS,
    FACTOR_ADVICE_PLANS,
    FACTOR_LABELS_BY_VERSION,
    FACTORS,
    FOLLOW_UP_ANSWERS,
    MIN_IMPROVEMENT_POINTS,
    MONITOR_ADVICE,
    PATTERN_THRESHOLD,
    PATTERNS,
    RED_FLAGS,
    ROUTE_TEXTS,
    RULES_VERSION,
    SELF_CARE,
    SIGN_CONDITIONS,
    TIE_ORDER,
    UNCLEAR,
    URGENT,
    URGENT_ADVICE,
    Condition,
)


@dataclass(frozen=True)
class TriageResult:
    """What the rules say about one intake; red flags, reasons and factors in the rules' order."""

    pattern: str
    secondary_patterns: tuple[str, ...]
    urgency: str
    care_route: str | None  # the most urgent route among the red flags; None when not urgent
    red_flags: tuple[str, ...]
    assessment_reasons: tuple[str, ...]  # empty unless urgency is "assessment"
    advice: tuple[str, ...]
    factors: tuple[str, ...]
    matched_signs: dict[str, list[str]]  # only patterns with at least one matching sign
    scores: dict[str, int]  # every scored pattern, zeros included
    rules_version: str


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "includes_any": lambda answer, values: any(v in answer for v in values),
    "equals": lambda answer, value: answer == value,
    "one_of": lambda answer, values: answer in values,
    # An unknown (null) number never counts as a sign, a reason or a factor.
    "at_least": lambda answer, value: answer is not None and answer >= value,
    "above": lambda answer, value: answer is not None and answer > value,
    "below": lambda answer, value: answer is not None and answer < value,
}


def evaluate(answers: Mapping[str, Any]) -> TriageResult:
    """Triage answers already passed through clean_answers (it does not check them again)."""
    matched = _matched_signs(answers)
    scores = {key: _score(key, matched) for key in PATTERNS if key != UNCLEAR}
    pattern, secondary = _ranked_patterns(scores)
    # In the rules' order whatever order they came in (clean_answers already sorts them).
    red_flags = tuple(key for key in RED_FLAGS if key in answers["red_flags"])
    if red_flags:
        # Safety first: no self-care plan at all. The pattern is still kept for clinicians.
        return TriageResult(
            pattern=pattern,
            secondary_patterns=secondary,
            urgency=URGENT,
            care_route=care_route(red_flags),
            red_flags=red_flags,
            assessment_reasons=(),
            advice=URGENT_ADVICE,
            factors=(),
            matched_signs=matched,
            scores=scores,
            rules_version=RULES_VERSION,
        )
    reasons = _assessment_reasons(pattern, secondary, answers)
    urgency = ASSESSMENT if reasons else SELF_CARE
    factors = _factors(answers)
    return TriageResult(
        pattern=pattern,
        secondary_patterns=secondary,
        urgency=urgency,
        care_route=None,
        red_flags=(),
        assessment_reasons=reasons,
        advice=_advice(pattern, reasons, factors, urgency, answers),
        factors=factors,
        matched_signs=matched,
        scores=scores,
        rules_version=RULES_VERSION,
    )


def care_route(red_flags: tuple[str, ...] | list[str]) -> str | None:
    """The most urgent care route among these red flags, or None when there are none."""
    routes = {RED_FLAGS[flag].route for flag in red_flags}
    return next((route for route in CARE_ROUTES if route in routes), None)


def _holds(condition: Condition, answers: Mapping[str, Any]) -> bool:
    return _OPS[condition.op](answers[condition.key], condition.value)


def _all_hold(conditions: tuple[Condition, ...], answers: Mapping[str, Any]) -> bool:
    return all(_holds(c, answers) for c in conditions)


def _matched_signs(answers: Mapping[str, Any]) -> dict[str, list[str]]:
    present = {
        sign for sign, conditions in SIGN_CONDITIONS.items() if _all_hold(conditions, answers)
    }
    matched = {
        key: [sign for sign, _ in pattern.signs if sign in present]
        for key, pattern in PATTERNS.items()
        # A gated pattern (osteoarthritis under 45) matches nothing, so it scores 0.
        if _all_hold(pattern.only_when, answers)
    }
    return {key: signs for key, signs in matched.items() if signs}


def _score(pattern: str, matched: dict[str, list[str]]) -> int:
    points = dict(PATTERNS[pattern].signs)
    return sum(points[sign] for sign in matched.get(pattern, ()))


def _ranked_patterns(scores: dict[str, int]) -> tuple[str, tuple[str, ...]]:
    """The primary pattern and the secondary ones, each by score, equal scores by TIE_ORDER.

    Secondary patterns use the same ranking as the primary, so the list reads from the
    likeliest down and the first would have been primary had the top one been absent.
    """
    ranked = sorted(TIE_ORDER, key=lambda key: (-scores[key], TIE_ORDER.index(key)))
    qualifying = [key for key in ranked if scores[key] >= PATTERN_THRESHOLD]
    if not qualifying:
        return UNCLEAR, ()
    return qualifying[0], tuple(qualifying[1:])


def _assessment_reasons(
    pattern: str, secondary: tuple[str, ...], answers: Mapping[str, Any]
) -> tuple[str, ...]:
    return tuple(
        key
        for key, reason in ASSESSMENT_REASONS.items()
        if pattern in reason.primary_in
        or any(p in reason.secondary_in for p in secondary)
        or any(_all_hold(group, answers) for group in reason.when_any)
    )


def _factors(answers: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(
        key for key, factor in FACTORS.items() if any(_holds(c, answers) for c in factor.when_any)
    )


def plan_name(pattern: str, assessment_reasons: tuple[str, ...] | list[str]) -> str:
    """The plan an outcome follows: the exam plan when a knee needs examining, else the
    primary pattern's own plan (its id)."""
    if EXAM_PLAN_REASONS.intersection(assessment_reasons):
        return EXAM_PLAN
    return pattern


def _advice(
    pattern: str,
    reasons: tuple[str, ...],
    factors: tuple[str, ...],
    urgency: str,
    answers: Mapping[str, Any],
) -> tuple[str, ...]:
    """The plan's items in catalogue order, factor advice (own plans only), then the ending."""
    plan = plan_name(pattern, reasons)
    ids = [
        advice_id
        for advice_id, item in CATALOGUE.items()
        if plan in item.plans
        and (not item.primary_in or pattern in item.primary_in)
        and _all_hold(item.only_when, answers)
    ]
    if plan in FACTOR_ADVICE_PLANS:
        ids += [FACTORS[f].advice for f in factors]
    ids.append(BOOK_ADVICE if urgency == ASSESSMENT else MONITOR_ADVICE)
    return tuple(dict.fromkeys(ids))  # an id is never listed twice


# --- Texts, read from the rules --------------------------------------------------------------


def route_text(route: str, *, emergency_number: str, clinic_phone: str) -> str:
    """The patient text of a care route, with the settings filled in."""
    return ROUTE_TEXTS[route].format(emergency_number=emergency_number, clinic_phone=clinic_phone)


def breathlessness_text(*, emergency_number: str) -> str:
    """The line every urgent page, sheet and message also carries."""
    return BREATHLESSNESS_TEXT.format(emergency_number=emergency_number)


def pattern_name(pattern: str) -> str:
    """The name shown to patients for a pattern id."""
    return PATTERNS[pattern].name


def reason_text(reason: str) -> str:
    """What the patient is told for an assessment reason id."""
    return ASSESSMENT_REASONS[reason].text


def advice_text(advice_id: str, *, version: str = RULES_VERSION) -> str:
    """The advice text an outcome made under `version` was given (KeyError if unknown)."""
    return ADVICE_BY_VERSION[version][advice_id]


def factor_label(factor: str, *, version: str = RULES_VERSION) -> str:
    """The clinicians' label of a contributing factor of `version` (KeyError if unknown)."""
    return FACTOR_LABELS_BY_VERSION[version][factor]


def red_flag_question(key: str) -> str:
    """A safety question as asked (yes/no)."""
    return RED_FLAGS[key].question


def red_flag_statement(key: str) -> str:
    """A warning sign as shown back to the patient, on pages, sheets and messages."""
    return RED_FLAGS[key].statement


# --- Section 6: the follow-up's "not improving" ---------------------------------------------


def is_not_improving(
    *,
    answer: str,
    pain_worst_week: int | None = None,
    pain_now: int | None = None,
    intake_pain_worst_week: int | None = None,
    intake_pain_now: int | None = None,
) -> bool:
    """Section 6: whether a follow-up answer means the knee is not improving.

    The follow-up's score is its `pain_worst_week`, else its `pain_now`, compared like with
    like with the intake's same measure. A score of 0 or 1 is always improving, whatever the
    word. Otherwise `same`/`worse` is not improving, and `better` is not improving unless the
    score is at least 2 points below the intake's (with no score, or no intake baseline of
    that measure, the word alone decides).
    """
    if answer not in FOLLOW_UP_ANSWERS:
        raise ValueError(f"Unknown follow-up answer: {answer!r}")
    score: int | None
    baseline: int | None
    if pain_worst_week is not None:
        score, baseline = pain_worst_week, intake_pain_worst_week
    else:
        score, baseline = pain_now, intake_pain_now
    if score is not None and score <= ALWAYS_IMPROVING_AT_MOST:
        return False
    if answer != "better":
        return True
    if score is None or baseline is None:
        return False
    return score > baseline - MIN_IMPROVEMENT_POINTS

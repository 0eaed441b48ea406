"""Applying the knee-triage rules to cleaned answers: pattern, urgency, advice, and why.

Pure and deterministic: no I/O, no clock, no Django. All clinical content is in rules.py;
this module only knows how to read those tables.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from intake.triage.rules import (
    ASSESSMENT,
    ASSESSMENT_PATTERNS,
    ASSESSMENT_WHEN_ANY,
    FACTORS,
    MONITOR_ADVICE,
    PATTERN_ADVICE,
    PATTERN_THRESHOLD,
    PATTERNS,
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
    """What the rules say about one intake; red flags and factors are in the rules' order."""

    pattern: str
    secondary_patterns: tuple[str, ...]
    urgency: str
    red_flags: tuple[str, ...]
    advice: tuple[str, ...]
    factors: tuple[str, ...]
    matched_signs: dict[str, list[str]]  # only patterns with at least one matching sign
    scores: dict[str, int]  # every scored pattern, zeros included
    rules_version: str

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (lists, not tuples), e.g. for a JSONField or an API response."""
        return {
            "pattern": self.pattern,
            "secondary_patterns": list(self.secondary_patterns),
            "urgency": self.urgency,
            "red_flags": list(self.red_flags),
            "advice": list(self.advice),
            "factors": list(self.factors),
            "matched_signs": {p: list(signs) for p, signs in self.matched_signs.items()},
            "scores": dict(self.scores),
            "rules_version": self.rules_version,
        }


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "includes_any": lambda answer, values: any(v in answer for v in values),
    "equals": lambda answer, value: answer == value,
    # An unknown (null) number never counts as a sign or a factor.
    "at_least": lambda answer, value: answer is not None and answer >= value,
    "above": lambda answer, value: answer is not None and answer > value,
    "below": lambda answer, value: answer is not None and answer < value,
}


def evaluate(answers: Mapping[str, Any]) -> TriageResult:
    """Triage answers already passed through clean_answers (it does not check them again)."""
    matched = _matched_signs(answers)
    scores = {key: _score(key, matched) for key in PATTERNS if key != UNCLEAR}
    pattern, secondary = _ranked_patterns(scores)
    red_flags = tuple(answers["red_flags"])
    advice: tuple[str, ...]
    factors: tuple[str, ...]
    if red_flags:
        # Safety first: no self-care plan at all. The pattern is still kept for clinicians.
        urgency, advice, factors = URGENT, URGENT_ADVICE, ()
    else:
        factors = _factors(answers)
        urgency = _urgency(pattern, answers)
        advice = _advice(pattern, factors)
    return TriageResult(
        pattern=pattern,
        secondary_patterns=secondary,
        urgency=urgency,
        red_flags=red_flags,
        advice=advice,
        factors=factors,
        matched_signs=matched,
        scores=scores,
        rules_version=RULES_VERSION,
    )


def _holds(condition: Condition, answers: Mapping[str, Any]) -> bool:
    return _OPS[condition.op](answers[condition.key], condition.value)


def _matched_signs(answers: Mapping[str, Any]) -> dict[str, list[str]]:
    present = {
        sign
        for sign, conditions in SIGN_CONDITIONS.items()
        if all(_holds(c, answers) for c in conditions)
    }
    matched = {
        key: [sign for sign, _ in pattern.signs if sign in present]
        for key, pattern in PATTERNS.items()
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


def _factors(answers: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(
        key for key, factor in FACTORS.items() if any(_holds(c, answers) for c in factor.when_any)
    )


def _urgency(pattern: str, answers: Mapping[str, Any]) -> str:
    if pattern in ASSESSMENT_PATTERNS or any(_holds(c, answers) for c in ASSESSMENT_WHEN_ANY):
        return ASSESSMENT
    return SELF_CARE


def _advice(pattern: str, factors: tuple[str, ...]) -> tuple[str, ...]:
    """The pattern's plan, then each factor's advice, then monitor_pain; each id once.

    A factor whose advice the plan already holds (cadence for runner's knee) keeps the
    plan's position for it rather than adding it again.
    """
    ids = [*PATTERN_ADVICE[pattern], *(FACTORS[f].advice for f in factors), MONITOR_ADVICE]
    return tuple(dict.fromkeys(ids))

"""Knee-pain triage: the clinic's rules as data and a pure engine applying them (no Django).

Callers validate with clean_answers, then evaluate; forms, serializers and the OpenAPI
schema are generated from QUESTIONS / answers_json_schema so they cannot drift from the rules.
"""

from intake.triage.answers import AnswerError, answers_json_schema, clean_answers
from intake.triage.engine import TriageResult, evaluate
from intake.triage.rules import (
    ADVICE,
    DISCLAIMER,
    FACTORS,
    PATTERNS,
    QUESTIONS,
    RED_FLAGS,
    RULES_VERSION,
    SIGNS,
    URGENCIES,
)

__all__ = [
    "ADVICE",
    "DISCLAIMER",
    "FACTORS",
    "PATTERNS",
    "QUESTIONS",
    "RED_FLAGS",
    "RULES_VERSION",
    "SIGNS",
    "URGENCIES",
    "AnswerError",
    "TriageResult",
    "answers_json_schema",
    "clean_answers",
    "evaluate",
]

"""Knee-triage: the clinic's rules as data and a pure engine applying them (no Django).

Callers validate with clean_answers, then evaluate; forms, serializers and the OpenAPI
schema are generated from QUESTIONS / answers_json_schema so they cannot drift from the rules.
Texts are read through the helpers (route_text, pattern_name, advice_text with the outcome's
rules version, ...), so a stored outcome keeps the words it was given.
"""

from intake.triage.answers import AnswerError, answers_json_schema, clean_answers
from intake.triage.engine import (
    TriageResult,
    advice_text,
    breathlessness_text,
    care_route,
    evaluate,
    factor_label,
    is_not_improving,
    pattern_name,
    plan_name,
    reason_text,
    red_flag_question,
    red_flag_statement,
    route_text,
)
from intake.triage.rules import (
    ADVICE,
    ADVICE_BY_VERSION,
    ASSESSMENT_REASONS,
    BREATHLESSNESS_TEXT,
    CARE_ROUTES,
    DISCLAIMER,
    FACTORS,
    PATTERNS,
    PLAIN_WORDS,
    QUESTIONS,
    RED_FLAGS,
    ROUTE_TEXTS,
    RULES_VERSION,
    SIGNS,
    UNDER_12_MESSAGE,
    URGENCIES,
)

__all__ = [
    "ADVICE",
    "ADVICE_BY_VERSION",
    "ASSESSMENT_REASONS",
    "BREATHLESSNESS_TEXT",
    "CARE_ROUTES",
    "DISCLAIMER",
    "FACTORS",
    "PATTERNS",
    "PLAIN_WORDS",
    "QUESTIONS",
    "RED_FLAGS",
    "ROUTE_TEXTS",
    "RULES_VERSION",
    "SIGNS",
    "UNDER_12_MESSAGE",
    "URGENCIES",
    "AnswerError",
    "TriageResult",
    "advice_text",
    "answers_json_schema",
    "breathlessness_text",
    "care_route",
    "clean_answers",
    "evaluate",
    "factor_label",
    "is_not_improving",
    "pattern_name",
    "plan_name",
    "reason_text",
    "red_flag_question",
    "red_flag_statement",
    "route_text",
]

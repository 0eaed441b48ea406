"""One explanation of a triage outcome, in words, for a patient or a clinician.

The result page, the advice sheet, the intake API and the staff intake page all read an
outcome through `outcome_explained`, so they cannot disagree about what it says. Texts come
from the rules (`intake.triage`), with the advice of the OUTCOME's rules version: a stored
outcome keeps the words it was given. Only presentation lives here: urgency headings and
the checklist's short advice headings.

A patient never sees the pattern of an urgent outcome (nor its signs or factors): the
pattern is kept for clinicians.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from django.conf import settings

from intake import triage
from intake.models import TriageOutcome, Urgency
from intake.triage.rules import UNCLEAR

Audience = Literal["patient", "staff"]

# What the patient reads first: plainly, whether self-care or an assessment is advised.
URGENCY_HEADINGS: Mapping[str, str] = {
    Urgency.URGENT: "Please seek medical care",
    Urgency.ASSESSMENT: "We advise an assessment by a clinician",
    Urgency.SELF_CARE: "Self-care is advised",
}
URGENCY_LEADS: Mapping[str, str] = {
    Urgency.URGENT: "Your answers include a warning sign: do not run, and get medical help.",
    Urgency.ASSESSMENT: (
        "A clinician should examine your knee. Your second opinion is free: book it first, "
        "then follow the plan below until you are seen."
    ),
    Urgency.SELF_CARE: (
        "Your knee should get better with the self-care plan below. You can also book a "
        "free second opinion whenever you want one."
    ),
}
# The heading above the advice list: an assessment's plan is what to do until then.
PLAN_HEADINGS: Mapping[str, str] = {
    Urgency.URGENT: "What to do now",
    Urgency.ASSESSMENT: "Until you are seen",
    Urgency.SELF_CARE: "Your self-care plan",
}
PATTERN_INTRO = "Your answers fit a pattern often seen in…"

# A short heading per checklist item; the rules' advice text is the line under it.
# Presentation only: the clinical wording stays in intake.triage. Retired ids keep their
# heading, for outcomes made under earlier rules. The one set of headings in the project.
ADVICE_HEADINGS: Mapping[str, str] = {
    "pain_guided_running": "Let pain guide your running",
    "return_to_running": "Build back gradually",
    "ice_15": "Cold for pain relief",
    "cross_train": "Keep fit another way",
    "foam_roll_quads": "Foam-roll your front thigh",
    "reduce_mileage": "Run less for now",
    "strength_lower_body": "Build hip and thigh strength",
    "cadence_170_180": "Shorter, quicker steps",
    "tendon_loading": "Load the tendon",
    "young_athlete_load": "Go gently while growing",
    "patellar_strap": "Try a knee strap",
    "strength_regular": "Strength work",
    "stretch_quads_hamstrings": "Stretch your thighs",
    "foam_roll_daily": "Foam-roll every day",
    "foam_roll_outer_thigh": "Foam-roll your outer thigh",
    "strengthen_glutes_core": "Strengthen the side of your hips",
    "short_quick_strides": "Shorter, quicker strides",
    "warm_up_cool_down": "Warm up, cool down",
    "ease_training_load": "Ease back",
    "assessment_needed": "Have it examined",
    "meniscus_info": "About meniscus tears",
    "avoid_twisting": "Until you are examined",
    "stay_active": "Keep moving",
    "strength_oa": "Build strength",
    "topical_nsaid": "Pain-relief gel",
    "soft_surfaces": "Soft surfaces",
    "seek_urgent_care": "Get medical help",
    "replace_shoes": "Check your shoes",
    "recovery_time": "Recover between runs",
    "avoid_banked_surfaces": "Flat ground",
    "motion_control_shoes": "Support your feet",
    "monitor_pain": "Keep an eye on it",
    "book_assessment": "Book your assessment",
}


@dataclass(frozen=True)
class Statement:
    """An id and what it says in words: a warning sign, an assessment reason, a factor."""

    id: str
    text: str


@dataclass(frozen=True)
class AdviceItem:
    id: str
    heading: str
    text: str


@dataclass(frozen=True)
class PatternExplained:
    id: str
    name: str
    signs: tuple[str, ...]  # why: the signs of this pattern the answers showed


@dataclass(frozen=True)
class OutcomeExplanation:
    """Everything an outcome says, in words, for one audience (see outcome_explained)."""

    audience: Audience
    urgency: str
    heading: str
    lead: str
    plan_heading: str
    pattern: str | None  # None for a patient's urgent outcome
    pattern_name: str | None
    pattern_intro: str  # how the pattern is introduced: never as a verdict; "" when unclear
    pattern_what: str
    signs: tuple[str, ...]
    secondary: tuple[PatternExplained, ...]
    disclaimer: str
    care_route: str | None  # None when not urgent (and on urgent outcomes of earlier rules)
    care_route_text: str | None
    breathlessness: str | None  # only on urgent outcomes
    red_flags: tuple[Statement, ...]  # the outcome's warning signs, as statements
    assessment_reasons: tuple[Statement, ...]  # empty unless an assessment
    advice: tuple[AdviceItem, ...]  # in the stored order, texts of the outcome's version
    factors: tuple[Statement, ...]
    matched_signs: Mapping[str, list[str]]
    scores: Mapping[str, int]
    rules_version: str
    plain_words: tuple[tuple[str, str], ...] = field(default=())

    @property
    def urgent(self) -> bool:
        return self.urgency == Urgency.URGENT

    @property
    def assessment(self) -> bool:
        return self.urgency == Urgency.ASSESSMENT

    @property
    def secondary_patterns(self) -> list[str]:
        return [p.id for p in self.secondary]

    @property
    def red_flag_ids(self) -> list[str]:
        return [flag.id for flag in self.red_flags]

    @property
    def factor_ids(self) -> list[str]:
        return [factor.id for factor in self.factors]


# Long on purpose: one constructor call, field by field, each field's source in one place.
def outcome_explained(
    outcome: TriageOutcome, *, audience: Audience = "patient"
) -> OutcomeExplanation:
    """The stored outcome in words, for a patient (urgent: no pattern) or a clinician.

    One constructor call, field by field, so every field's source is read in one place.
    """
    version = outcome.rules_version
    urgency = outcome.urgency
    urgent = urgency == Urgency.URGENT
    route = outcome.care_route or None  # stored blank: not urgent, or made under older rules
    hide_pattern = urgent and audience == "patient"
    advice = tuple(_advice_item(a, version) for a in outcome.advice)
    pattern = None if hide_pattern else outcome.pattern
    return OutcomeExplanation(
        audience=audience,
        urgency=urgency,
        heading=URGENCY_HEADINGS[urgency] if audience == "patient" else Urgency(urgency).label,
        lead=URGENCY_LEADS[urgency],
        plan_heading=PLAN_HEADINGS[urgency],
        pattern=pattern,
        pattern_name=_pattern_name(pattern) if pattern else None,
        pattern_intro=PATTERN_INTRO if pattern and pattern != UNCLEAR else "",
        pattern_what=_pattern_what(pattern),
        signs=() if pattern is None else _signs(outcome, pattern),
        secondary=()
        if hide_pattern
        else tuple(
            PatternExplained(p, _pattern_name(p), _signs(outcome, p))
            for p in outcome.secondary_patterns
        ),
        disclaimer=triage.DISCLAIMER,
        care_route=route,
        care_route_text=_route_text(route) if route else None,
        breathlessness=(
            triage.breathlessness_text(emergency_number=settings.EMERGENCY_NUMBER)
            if urgent
            else None
        ),
        red_flags=tuple(Statement(f, _red_flag_statement(f)) for f in outcome.red_flags),
        assessment_reasons=tuple(
            Statement(r, triage.reason_text(r)) for r in outcome.assessment_reasons
        ),
        advice=advice,
        factors=()
        if hide_pattern
        else tuple(Statement(f, triage.factor_label(f, version=version)) for f in outcome.factors),
        matched_signs={} if hide_pattern else dict(outcome.matched_signs),
        scores={} if hide_pattern else dict(outcome.scores),
        rules_version=version,
        plain_words=plain_words_in(item.text for item in advice),
    )


@dataclass(frozen=True)
class WarningSigns:
    """Every warning sign of one care route, as statements, with what to do."""

    route: str
    route_text: str
    statements: tuple[str, ...]


def warning_signs() -> tuple[WarningSigns, ...]:
    """All the warning signs, grouped by care route, most urgent first (pages and sheets)."""
    return tuple(
        WarningSigns(
            route,
            _route_text(route),
            tuple(flag.statement for flag in triage.RED_FLAGS.values() if flag.route == route),
        )
        for route in triage.CARE_ROUTES
    )


def plain_words_in(texts: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """The jargon of the specification that these texts use, each with its plain words."""
    joined = " ".join(texts).lower()
    return tuple((term, plain) for term, plain in triage.PLAIN_WORDS if term in joined)


def _advice_item(advice_id: str, version: str) -> AdviceItem:
    # The words the outcome was given under its own rules version (never re-scored).
    text = triage.advice_text(advice_id, version=version)
    return AdviceItem(advice_id, ADVICE_HEADINGS.get(advice_id, ""), text)


def _pattern_name(pattern: str) -> str:
    return triage.pattern_name(pattern) if pattern in triage.PATTERNS else pattern


def _pattern_what(pattern: str | None) -> str:
    found = triage.PATTERNS.get(pattern) if pattern else None
    return found.what_it_is if found else ""


def _signs(outcome: TriageOutcome, pattern: str) -> tuple[str, ...]:
    return tuple(triage.SIGNS.get(s, s) for s in outcome.matched_signs.get(pattern, []))


def _red_flag_statement(key: str) -> str:
    return triage.red_flag_statement(key) if key in triage.RED_FLAGS else key


def _route_text(route: str) -> str:
    return triage.route_text(
        route, emergency_number=settings.EMERGENCY_NUMBER, clinic_phone=settings.CLINIC_PHONE
    )

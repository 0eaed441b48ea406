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
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from clinic.languages import ENGLISH, language_current
from intake import triage
from intake.models import TriageOutcome, Urgency
from intake.triage.rules import RULES_VERSION, UNCLEAR
from intake.triage.translations import text_in

if TYPE_CHECKING:  # the stubs' name for a lazy translation; dev-only package
    from django_stubs_ext import StrPromise

Audience = Literal["patient", "staff"]

# What the patient reads first: plainly, whether self-care or an assessment is advised.
URGENCY_HEADINGS: "Mapping[str, StrPromise]" = {
    Urgency.URGENT: _("Please seek medical care"),
    Urgency.ASSESSMENT: _("We advise an assessment by a clinician"),
    Urgency.SELF_CARE: _("Self-care is advised"),
}
URGENCY_LEADS: "Mapping[str, StrPromise]" = {
    Urgency.URGENT: _("Your answers include a warning sign: do not run, and get medical help."),
    Urgency.ASSESSMENT: _(
        "A clinician should examine your knee. Your second opinion is free: book it first, "
        "then follow the plan below until you are seen."
    ),
    Urgency.SELF_CARE: _(
        "Your knee should get better with the self-care plan below. You can also book a "
        "free second opinion whenever you want one."
    ),
}
# The heading above the advice list: an assessment's plan is what to do until then.
PLAN_HEADINGS: "Mapping[str, StrPromise]" = {
    Urgency.URGENT: _("What to do now"),
    Urgency.ASSESSMENT: _("Until you are seen"),
    Urgency.SELF_CARE: _("Your self-care plan"),
}
PATTERN_INTRO = _("Your answers fit a pattern often seen in…")

# A short heading per checklist item; the rules' advice text is the line under it.
# Presentation only: the clinical wording stays in intake.triage. Retired ids keep their
# heading, for outcomes made under earlier rules. The one set of headings in the project.
ADVICE_HEADINGS: "Mapping[str, StrPromise]" = {
    "pain_guided_running": _("Let pain guide your running"),
    "return_to_running": _("Build back gradually"),
    "ice_15": _("Cold for pain relief"),
    "cross_train": _("Keep fit another way"),
    "foam_roll_quads": _("Foam-roll your front thigh"),
    "reduce_mileage": _("Run less for now"),
    "strength_lower_body": _("Build hip and thigh strength"),
    "cadence_170_180": _("Shorter, quicker steps"),
    "tendon_loading": _("Load the tendon"),
    "young_athlete_load": _("Go gently while growing"),
    "patellar_strap": _("Try a knee strap"),
    "strength_regular": _("Strength work"),
    "stretch_quads_hamstrings": _("Stretch your thighs"),
    "foam_roll_daily": _("Foam-roll every day"),
    "foam_roll_outer_thigh": _("Foam-roll your outer thigh"),
    "strengthen_glutes_core": _("Strengthen the side of your hips"),
    "short_quick_strides": _("Shorter, quicker strides"),
    "warm_up_cool_down": _("Warm up, cool down"),
    "ease_training_load": _("Ease back"),
    "assessment_needed": _("Have it examined"),
    "meniscus_info": _("About meniscus tears"),
    "avoid_twisting": _("Until you are examined"),
    "stay_active": _("Keep moving"),
    "strength_oa": _("Build strength"),
    "topical_nsaid": _("Pain-relief gel"),
    "soft_surfaces": _("Soft surfaces"),
    "seek_urgent_care": _("Get medical help"),
    "replace_shoes": _("Check your shoes"),
    "recovery_time": _("Recover between runs"),
    "avoid_banked_surfaces": _("Flat ground"),
    "motion_control_shoes": _("Support your feet"),
    "monitor_pain": _("Keep an eye on it"),
    "book_assessment": _("Book your assessment"),
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


def outcome_explained(
    outcome: TriageOutcome, *, audience: Audience = "patient"
) -> OutcomeExplanation:
    """The stored outcome in words, for a patient (urgent: no pattern) or a clinician.

    The words depend only on what the outcome says, the audience and the language, so they
    are built once per process for each such combination (`_explained`; about a tenth of an
    intake request's CPU otherwise, mostly gettext walking its catalogue chain) and cleared
    when a setting changes. Only the outcome's own mappings are copied per call.
    """
    language = language_current() if audience == "patient" else ENGLISH
    words = _OutcomeWords.of(outcome)
    try:
        hash(words)
    except TypeError:  # a stored list holding something unhashable: explain it uncached
        explained = _explain(words, audience, language)
    else:
        explained = _explained(words, audience, language, get_language())
    if outcome.urgency == Urgency.URGENT and audience == "patient":
        return explained  # the pattern's signs and scores are hidden: nothing to copy
    return replace(
        explained, matched_signs=dict(outcome.matched_signs), scores=dict(outcome.scores)
    )


@dataclass(frozen=True)
class _OutcomeWords:
    """What an outcome's explanation is built from: its fields, as a cache key."""

    rules_version: str
    urgency: str
    care_route: str
    pattern: str
    secondary_patterns: tuple[str, ...]
    red_flags: tuple[str, ...]
    assessment_reasons: tuple[str, ...]
    advice: tuple[str, ...]
    factors: tuple[str, ...]
    matched_signs: tuple[tuple[str, tuple[str, ...]], ...]  # the signs' words; copied per call

    @classmethod
    def of(cls, outcome: TriageOutcome) -> "_OutcomeWords":
        return cls(
            rules_version=outcome.rules_version,
            urgency=outcome.urgency,
            care_route=outcome.care_route,
            pattern=outcome.pattern,
            secondary_patterns=tuple(outcome.secondary_patterns),
            red_flags=tuple(outcome.red_flags),
            assessment_reasons=tuple(outcome.assessment_reasons),
            advice=tuple(outcome.advice),
            factors=tuple(outcome.factors),
            matched_signs=tuple((k, tuple(v)) for k, v in outcome.matched_signs.items()),
        )


@lru_cache(maxsize=1024)
def _explained(
    words: _OutcomeWords, audience: Audience, language: str, django_language: str | None
) -> OutcomeExplanation:
    # `django_language`: the active Django language (en-gb, en-us, es) for the lazy headings.
    return _explain(words, audience, language)


@receiver(setting_changed)
def _explained_reset(**kwargs: object) -> None:
    """Clinic numbers, the emergency number and the locale are settings the words carry."""
    _explained.cache_clear()


# Long on purpose: one constructor call, field by field, each field's source in one place.
def _explain(outcome: _OutcomeWords, audience: Audience, language: str) -> OutcomeExplanation:
    """One constructor call, field by field, so every field's source is read in one place."""
    version = outcome.rules_version
    urgency = outcome.urgency
    urgent = urgency == Urgency.URGENT
    route = outcome.care_route or None  # stored blank: not urgent, or made under older rules
    hide_pattern = urgent and audience == "patient"
    advice = tuple(_advice_item(a, version, language) for a in outcome.advice)
    pattern = None if hide_pattern else outcome.pattern
    return OutcomeExplanation(
        audience=audience,
        urgency=urgency,
        heading=str(URGENCY_HEADINGS[urgency]) if audience == "patient" else Urgency(urgency).label,
        lead=str(URGENCY_LEADS[urgency]),
        plan_heading=str(PLAN_HEADINGS[urgency]),
        pattern=pattern,
        pattern_name=_pattern_name(pattern, language) if pattern else None,
        pattern_intro=str(PATTERN_INTRO) if pattern and pattern != UNCLEAR else "",
        pattern_what=_pattern_what(pattern, language),
        signs=() if pattern is None else _signs(outcome, pattern, language),
        secondary=()
        if hide_pattern
        else tuple(
            PatternExplained(p, _pattern_name(p, language), _signs(outcome, p, language))
            for p in outcome.secondary_patterns
        ),
        disclaimer=text_in(triage.DISCLAIMER, language=language),
        care_route=route,
        care_route_text=_route_text(route, language) if route else None,
        breathlessness=breathlessness_in(language) if urgent else None,
        red_flags=tuple(Statement(f, _red_flag_statement(f, language)) for f in outcome.red_flags),
        assessment_reasons=tuple(
            Statement(r, text_in(triage.reason_text(r), language=language))
            for r in outcome.assessment_reasons
        ),
        advice=advice,
        factors=()
        if hide_pattern
        else tuple(
            Statement(
                f,
                text_in(
                    triage.factor_label(f, version=version), language=language, version=version
                ),
            )
            for f in outcome.factors
        ),
        matched_signs={},  # the outcome's own, copied in per call (outcome_explained)
        scores={},
        rules_version=version,
        plain_words=plain_words_in((item.text for item in advice), language=language),
    )


@dataclass(frozen=True)
class WarningSigns:
    """Every warning sign of one care route, as statements, with what to do."""

    route: str
    route_text: str
    statements: tuple[str, ...]


def warning_signs() -> tuple[WarningSigns, ...]:
    """All the warning signs, grouped by care route, most urgent first (pages and sheets),
    in the active language."""
    language = language_current()
    return tuple(
        WarningSigns(
            route,
            _route_text(route, language),
            tuple(
                text_in(flag.statement, language=language)
                for flag in triage.RED_FLAGS.values()
                if flag.route == route
            ),
        )
        for route in triage.CARE_ROUTES
    )


def clinical_text(text: str, *, language: str | None = None) -> str:
    """A text of the current rules (a red flag's question or statement, a route, a pattern's
    name, ...) in `language`, by default the active one."""
    return text_in(text, language=language or language_current())


def route_text_in(route: str, language: str | None = None) -> str:
    """A care route's text, with the clinic's numbers, in `language` (default: active)."""
    return _route_text(route, language or language_current())


def breathlessness_in(language: str | None = None) -> str:
    """The breathlessness line of every urgent page, sheet and message, in `language`."""
    template = text_in(triage.BREATHLESSNESS_TEXT, language=language or language_current())
    return template.format(emergency_number=settings.EMERGENCY_NUMBER)


def plain_words_in(texts: Iterable[str], *, language: str = ENGLISH) -> tuple[tuple[str, str], ...]:
    """The jargon of the specification that these texts use, each with its plain words,
    both in `language` (the texts are already in it)."""
    joined = " ".join(texts).lower()
    found = []
    for term, plain in triage.PLAIN_WORDS:
        term_in = text_in(term, language=language)
        if term_in.lower() in joined:
            found.append((term_in, text_in(plain, language=language)))
    return tuple(found)


def _advice_item(advice_id: str, version: str, language: str) -> AdviceItem:
    # The words the outcome was given under its own rules version (never re-scored), in
    # that version's catalogue.
    text = text_in(
        triage.advice_text(advice_id, version=version), language=language, version=version
    )
    heading = ADVICE_HEADINGS.get(advice_id)
    return AdviceItem(advice_id, str(heading) if heading else "", text)


def _pattern_name(pattern: str, language: str) -> str:
    if pattern not in triage.PATTERNS:
        return pattern
    return text_in(triage.pattern_name(pattern), language=language)


def _pattern_what(pattern: str | None, language: str) -> str:
    found = triage.PATTERNS.get(pattern) if pattern else None
    return text_in(found.what_it_is, language=language) if found else ""


def _signs(outcome: _OutcomeWords, pattern: str, language: str) -> tuple[str, ...]:
    signs = next((found for p, found in outcome.matched_signs if p == pattern), ())
    return tuple(
        text_in(triage.SIGNS[s], language=language) if s in triage.SIGNS else s for s in signs
    )


def _red_flag_statement(key: str, language: str) -> str:
    if key not in triage.RED_FLAGS:
        return key
    return text_in(triage.red_flag_statement(key), language=language)


def _route_text(route: str, language: str) -> str:
    template = text_in(triage.ROUTE_TEXTS[route], language=language, version=RULES_VERSION)
    return template.format(
        emergency_number=settings.EMERGENCY_NUMBER, clinic_phone=settings.CLINIC_PHONE
    )

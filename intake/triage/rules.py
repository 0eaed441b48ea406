"""The knee-triage clinical rules as data: the single, versioned copy of knee-triage.md.

Every question, red flag, care route, sign, point, threshold, assessment reason and advice
text lives here and nowhere else; `engine.py` only applies these tables. The specification
is `docs/clinical/knee-triage.md`; the tests compare these tables with it word for word.
Change the clinic's rules there and here together, bump RULES_VERSION (stored with every
outcome and advice sheet), and move the texts an old outcome may still show to history.py.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

from intake.triage import history

RULES_VERSION: Final = "2026.12.1"


@dataclass(frozen=True)
class Question:
    """One intake answer: how the form asks it and what a valid value is.

    `type` is one of "enum", "enum_list", "boolean", "integer", "number". `choices` holds
    (value, plain-language label) pairs, in display order, for the two enum types.
    `default` is what a missing optional answer means; it is unused when `required`.
    `nullable` says whether null may be *sent*: the specification allows it only for
    shoe_km and cadence_spm, even though a missing run_onset, pain_worst_week or weekly_km
    is stored as null. `below_min` replaces the range message for a value under `min`.
    """

    key: str
    type: str
    text: str
    required: bool = False
    default: Any = None
    choices: tuple[tuple[str, str], ...] = ()
    min: int | None = None
    max: int | None = None
    nullable: bool = False
    min_items: int = 0
    help: str = ""
    below_min: str = ""


@dataclass(frozen=True)
class RedFlag:
    """A safety question: asked as `question`, shown back as `statement`, sent by `route`."""

    question: str
    statement: str
    route: str


@dataclass(frozen=True)
class Condition:
    """One test on one cleaned answer; `engine.py` knows how to apply each `op`.

    Ops: "includes_any" (a list answer contains any of `value`, a tuple), "equals",
    "one_of" (the answer is one of `value`, a tuple), "at_least" (>=), "above" (>),
    "below" (<). A null answer never passes a comparison.
    """

    key: str
    op: str
    value: Any


@dataclass(frozen=True)
class Pattern:
    """A pattern: the name shown to patients, a plain explanation, and its scored signs.

    The pattern scores nothing (and so can be neither primary nor secondary) unless every
    condition of `only_when` holds.
    """

    name: str
    what_it_is: str
    signs: tuple[tuple[str, int], ...] = ()  # (sign id, points), in the specification's order
    only_when: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class AssessmentReason:
    """Why an assessment is advised: any `primary_in`/`secondary_in` pattern, or any group
    of `when_any` whose conditions all hold."""

    text: str
    primary_in: tuple[str, ...] = ()
    secondary_in: tuple[str, ...] = ()
    when_any: tuple[tuple[Condition, ...], ...] = ()


@dataclass(frozen=True)
class Advice:
    """One catalogue item: given in the listed `plans` (pattern ids or EXAM_PLAN), provided
    the primary pattern is one of `primary_in` (when set) and every `only_when` holds."""

    text: str
    plans: tuple[str, ...] = ()
    primary_in: tuple[str, ...] = ()
    only_when: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class Factor:
    label: str
    advice: str
    when_any: tuple[Condition, ...]  # present if any one condition holds


def _includes(key: str, *values: str) -> Condition:
    return Condition(key, "includes_any", values)


def _equals(key: str, value: Any) -> Condition:
    return Condition(key, "equals", value)


def _one_of(key: str, *values: str) -> Condition:
    return Condition(key, "one_of", values)


def _at_least(key: str, value: int) -> Condition:
    return Condition(key, "at_least", value)


def _above(key: str, value: int) -> Condition:
    return Condition(key, "above", value)


def _below(key: str, value: int) -> Condition:
    return Condition(key, "below", value)


# --- Section 2: red flags, asked first, in this order (emergency routes first) --------------

EMERGENCY: Final = "emergency"
SAME_DAY: Final = "same_day"
WITHIN_48H: Final = "within_48h"
# Most urgent first: an outcome's care route is the first of these among its ticked flags.
CARE_ROUTES: Final = (EMERGENCY, SAME_DAY, WITHIN_48H)

RED_FLAGS: Final[Mapping[str, RedFlag]] = MappingProxyType(
    {
        "numb_cold_foot": RedFlag(
            "Is your foot cold, pale or blue, or numb?",
            "Your foot is cold, pale or blue, or numb",
            EMERGENCY,
        ),
        "hot_swollen_fever": RedFlag(
            "Is the knee hot, red and swollen, and do you have a fever or feel shivery?",
            "The knee is hot, red and swollen, with a fever or shivers",
            EMERGENCY,
        ),
        "deformity_after_injury": RedFlag(
            "Does the knee look out of shape after a fall, a blow or a twist?",
            "The knee looks out of shape after an injury",
            EMERGENCY,
        ),
        "hot_swollen_knee": RedFlag(
            "Is the knee hot, red and swollen without an injury to explain it?",
            "The knee is hot, red and swollen without an injury",
            SAME_DAY,
        ),
        "fever_unwell": RedFlag(
            "Do you have a fever, or feel generally unwell, along with the knee pain?",
            "A fever or feeling unwell with the knee pain",
            SAME_DAY,
        ),
        "cannot_bear_weight": RedFlag(
            "Since an injury, are you unable to put weight on the leg and take four steps?",
            "You can't put weight on the leg and take four steps",
            SAME_DAY,
        ),
        "pop_rapid_swelling": RedFlag(
            "Did you feel or hear a pop, and the knee swelled up within a few hours?",
            "A pop, then swelling within hours",
            SAME_DAY,
        ),
        "cannot_lift_straight_leg": RedFlag(
            "Lying down, are you unable to lift your leg with the knee straight?",
            "You can't lift your straight leg",
            SAME_DAY,
        ),
        "cannot_straighten": RedFlag(
            "Is the knee stuck so you cannot straighten it, and it stays stuck?",
            "The knee is stuck and won't straighten",
            SAME_DAY,
        ),
        "calf_swelling_pain": RedFlag(
            "Is the calf on that side swollen, warm or tender to touch (not just tight after "
            "a run)?",
            "The calf is swollen, warm or tender",
            SAME_DAY,
        ),
        "recent_surgery_or_injection": RedFlag(
            "Have you had knee surgery or a knee injection in the last 6 weeks, and is the "
            "knee now more painful, hot or swollen?",
            "Recent knee surgery or injection, and the knee is getting worse",
            SAME_DAY,
        ),
        "child_limp_hip_pain": RedFlag(
            "For a child or teenager under 16: are they limping, or do they have pain in the "
            "hip, groin or thigh?",
            "A child or teenager who is limping or has hip, groin or thigh pain",
            SAME_DAY,
        ),
        "night_pain_weight_loss": RedFlag(
            "Does pain wake you at night, with weight loss you can't explain or a history of "
            "cancer?",
            "Night pain with unexplained weight loss or past cancer",
            WITHIN_48H,
        ),
    }
)

# What each route tells the patient; fill the placeholders with engine.route_text.
ROUTE_TEXTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        EMERGENCY: (
            "Go to an emergency department now, or call {emergency_number}. Do not drive yourself."
        ),
        SAME_DAY: (
            "Get seen today at an emergency department or an urgent-care centre (one that can "
            "take an X-ray if you hurt the knee in a fall or injury). Call the clinic on "
            "{clinic_phone} if you are unsure where to go."
        ),
        WITHIN_48H: (
            "See a doctor within the next 1–2 days. Call the clinic on {clinic_phone} to "
            "arrange it."
        ),
    }
)
# On every urgent page, sheet and message, whatever the route (a clot can reach the lungs).
BREATHLESSNESS_TEXT: Final = (
    "If you become short of breath or have chest pain, call {emergency_number} now."
)

# --- Section 9: under 12, refused kindly (the API's out-of-range message for `age`) --------

UNDER_12_MESSAGE: Final = (
    "This service is not for young children. Please see your family doctor or a children's "
    "health service. If the child has any of the warning signs, get care as they say: a "
    "limping child with a fever needs care today."
)

# --- Section 1: the intake answers, in form order --------------------------------------------

_QUESTION_LIST: tuple[Question, ...] = (
    Question(
        "red_flags",
        "enum_list",
        "Safety questions: tick any that apply to you.",
        required=True,
        choices=tuple((key, flag.question) for key, flag in RED_FLAGS.items()),
        help="Leave all unticked if none of these apply.",
    ),
    Question(
        "knee",
        "enum",
        "Which knee hurts?",
        required=True,
        choices=(("left", "Left knee"), ("right", "Right knee"), ("both", "Both knees")),
    ),
    Question(
        "pain_locations",
        "enum_list",
        "Where exactly is the pain?",
        required=True,
        min_items=1,
        choices=(
            ("under_kneecap", "Under or around the kneecap"),
            ("below_kneecap", "Just below the kneecap, at the top of the shin"),
            ("outside", "On the outside of the knee"),
            ("inside", "On the inside of the knee"),
            ("back", "At the back of the knee"),
            ("all_over", "All over the knee"),
        ),
    ),
    Question(
        "pain_triggers",
        "enum_list",
        "When does it hurt?",
        default=(),
        choices=(
            ("running", "When I run"),
            ("stairs", "Going up or down stairs"),
            ("squatting", "When I squat"),
            ("sitting_long", "After sitting for a long time"),
            ("walking", "When I walk"),
            ("at_rest", "Even when I am resting"),
            ("night", "At night"),
        ),
    ),
    Question(
        "run_onset",
        "enum",
        "When during a run does the pain start?",
        choices=(
            ("from_start", "Right from the start"),
            ("after_few_minutes", "A few minutes in"),
            ("after_long_run", "Towards the end of a long run"),
            ("not_running_related", "It isn't related to running"),
        ),
    ),
    Question(
        "eases_when_stopping",
        "boolean",
        "Does the pain fade soon after you stop running?",
        default=False,
    ),
    Question(
        "injury_event",
        "enum",
        "Did it start with a specific moment?",
        default="none_gradual",
        choices=(
            ("none_gradual", "No, it came on gradually"),
            ("twist_or_pivot", "Yes, I twisted or pivoted on the knee"),
            ("direct_blow_or_fall", "Yes, a blow to the knee or a fall"),
        ),
    ),
    Question(
        "symptoms",
        "enum_list",
        "Do you also notice…?",
        default=(),
        choices=(
            ("swelling", "Swelling"),
            ("stiffness", "Stiffness"),
            ("locking", "The knee catches or sticks for a moment, then frees"),
            ("giving_way", "The knee gives way"),
            ("clicking", "Clicking"),
            ("morning_stiffness", "Stiffness in the morning"),
        ),
    ),
    Question(
        "pain_now",
        "integer",
        "Pain right now (0 = none, 10 = worst imaginable)",
        required=True,
        min=0,
        max=10,
    ),
    Question(
        "pain_worst_week",
        "integer",
        "Worst pain in the last week, during or after running",
        min=0,
        max=10,
        help="0 = none, 10 = worst imaginable",
    ),
    Question(
        "duration_days",
        "integer",
        "How long have you had this pain?",
        required=True,
        min=0,
        max=3650,
        help="In days (1 week = 7, 1 month = 30).",
    ),
    Question("age", "integer", "Age", required=True, min=12, max=110, below_min=UNDER_12_MESSAGE),
    Question(
        "weekly_km",
        "number",
        "Usual running distance per week (km)",
        min=0,
        max=400,
    ),
    Question(
        "recent_increase",
        "boolean",
        "Have you recently increased distance or speed?",
        default=False,
    ),
    Question(
        "shoe_km",
        "number",
        "Roughly how far have your running shoes gone (km)?",
        nullable=True,
        min=0,
        max=10000,
    ),
    Question(
        "running_specific_shoes",
        "boolean",
        "Do you run in shoes made for running?",
        default=True,
    ),
    Question(
        "surfaces",
        "enum_list",
        "Where do you usually run?",
        default=(),
        choices=(
            ("road", "Roads or pavements"),
            ("track", "A running track"),
            ("trail", "Trails"),
            ("treadmill", "A treadmill"),
            ("banked_or_cambered", "Banked or sloping surfaces, such as cambered roads"),
        ),
    ),
    Question(
        "foot_rolls_inward",
        "enum",
        "Has anyone told you your foot rolls inward when you run?",
        default="unsure",
        choices=(("yes", "Yes"), ("no", "No"), ("unsure", "I'm not sure")),
    ),
    Question(
        "cadence_spm",
        "integer",
        "Your step rate (steps per minute), if you know it",
        nullable=True,
        min=100,
        max=230,
    ),
)


QUESTIONS: Final[Mapping[str, Question]] = MappingProxyType({q.key: q for q in _QUESTION_LIST})

# --- Section 3: signs, patterns, scoring ------------------------------------------------------

# (sign id, what a clinician reads under "why we think so", conditions that must all hold).
# Sign ids are stored in outcomes (matched_signs): keep them, even when a text changes.
_SIGN_TABLE: tuple[tuple[str, str, tuple[Condition, ...]], ...] = (
    (
        "location_under_kneecap",
        "Pain under or around the kneecap",
        (_includes("pain_locations", "under_kneecap"),),
    ),
    (
        "location_below_kneecap",
        "Pain just below the kneecap",
        (_includes("pain_locations", "below_kneecap"),),
    ),
    (
        "location_outside",
        "Pain on the outside of the knee",
        (_includes("pain_locations", "outside"),),
    ),
    (
        "location_inside",
        "Pain on the inside of the knee",
        (_includes("pain_locations", "inside"),),
    ),
    ("location_all_over", "Pain all over the knee", (_includes("pain_locations", "all_over"),)),
    ("trigger_running", "Hurts when running", (_includes("pain_triggers", "running"),)),
    ("trigger_stairs", "Hurts on stairs", (_includes("pain_triggers", "stairs"),)),
    ("trigger_squatting", "Hurts when squatting", (_includes("pain_triggers", "squatting"),)),
    ("trigger_walking", "Hurts when walking", (_includes("pain_triggers", "walking"),)),
    (
        "trigger_sitting_long",
        "Hurts after sitting for a long time",
        (_includes("pain_triggers", "sitting_long"),),
    ),
    ("trigger_at_rest", "Hurts even at rest", (_includes("pain_triggers", "at_rest"),)),
    (
        "onset_after_few_minutes",
        "Pain starts a few minutes into a run",
        (_equals("run_onset", "after_few_minutes"),),
    ),
    (
        "eases_when_stopping",
        "Pain fades soon after stopping running",
        (_equals("eases_when_stopping", True),),
    ),
    (
        "surface_banked_or_cambered",
        "Runs on banked or cambered surfaces",
        (_includes("surfaces", "banked_or_cambered"),),
    ),
    (
        "symptom_locking",
        "The knee catches or sticks for a moment, then frees",
        (_includes("symptoms", "locking"),),
    ),
    ("symptom_stiffness", "Stiffness", (_includes("symptoms", "stiffness"),)),
    ("symptom_swelling", "Swelling", (_includes("symptoms", "swelling"),)),
    # One sign for either kind of stiffness, so osteoarthritis counts it once (spec: "1, once").
    (
        "stiffness_or_morning_stiffness",
        "Stiffness, or stiffness in the morning",
        (_includes("symptoms", "stiffness", "morning_stiffness"),),
    ),
    (
        "injury_twist_or_pivot",
        "Started with a twist or pivot",
        (_equals("injury_event", "twist_or_pivot"),),
    ),
    (
        "gradual_onset_age_50_plus",
        "Came on gradually, aged 50 or over",
        (_equals("injury_event", "none_gradual"), _at_least("age", 50)),
    ),
)

SIGNS: Final[Mapping[str, str]] = MappingProxyType({s: text for s, text, _ in _SIGN_TABLE})
SIGN_CONDITIONS: Final[Mapping[str, tuple[Condition, ...]]] = MappingProxyType(
    {s: conditions for s, _, conditions in _SIGN_TABLE}
)

UNCLEAR: Final = "unclear"
PATTERN_THRESHOLD: Final = 3

# The five scored patterns plus UNCLEAR (no signs), so every outcome's pattern has a name.
# `name` is the specification's "shown to patients as"; `what_it_is` is this product's plain
# explanation (not in the specification), written to agree with its section 10.
PATTERNS: Final[Mapping[str, Pattern]] = MappingProxyType(
    {
        "runners_knee": Pattern(
            "Runner's knee (pain around the kneecap)",
            "Pain around or behind the kneecap, often set off by running, stairs, squatting "
            "or sitting for a long time. The joint behind the kneecap is taking more load than "
            "it is ready for; it usually settles as you adjust your running and build "
            "strength in your hips and thighs.",
            (
                ("location_under_kneecap", 3),
                ("trigger_stairs", 1),
                ("trigger_running", 1),
                ("trigger_squatting", 1),
                ("trigger_sitting_long", 1),
            ),
        ),
        "patellar_tendinitis": Pattern(
            "Patellar tendinopathy (jumper's knee)",
            "Pain just below the kneecap, at the top of the shin, where the patellar tendon "
            "joins the kneecap to the shin bone. The tendon has taken more load than it is "
            "ready for; it responds to exercise that loads it gradually.",
            (("location_below_kneecap", 3), ("trigger_running", 1), ("trigger_squatting", 1)),
        ),
        "it_band_syndrome": Pattern(
            "IT band syndrome",
            "Pain on the outside of the knee that often starts a few minutes into a run and "
            "fades when you stop. The IT band, a long strip of tissue down the outside of the "
            "thigh to the knee, is irritated where it passes the side of the knee.",
            (
                ("location_outside", 3),
                ("onset_after_few_minutes", 1),
                ("eases_when_stopping", 1),
                ("surface_banked_or_cambered", 1),
            ),
        ),
        "meniscus_tear": Pattern(
            "Possible meniscus tear",
            "The menisci are two pads of cartilage that cushion the thigh bone and the shin "
            "bone. A tear, often after a twist, can bring pain along the joint, stiffness, and "
            "a knee that catches or gives way.",
            (
                ("symptom_locking", 3),
                ("injury_twist_or_pivot", 2),
                ("location_inside", 1),
                ("location_all_over", 1),
                ("trigger_at_rest", 1),
                ("symptom_stiffness", 1),
            ),
        ),
        "osteoarthritis": Pattern(
            "Knee osteoarthritis",
            "A common change in the knee joint from middle age on. The knee can ache, swell "
            "and stiffen, for example when walking, on stairs or after sitting. Staying active "
            "and building strength are safe and help.",
            (
                ("trigger_walking", 1),
                ("trigger_sitting_long", 1),
                ("trigger_stairs", 1),
                ("symptom_swelling", 1),
                ("stiffness_or_morning_stiffness", 1),
                ("gradual_onset_age_50_plus", 1),
            ),
            # NICE NG226: a clinical diagnosis of osteoarthritis is made from 45.
            only_when=(_at_least("age", 45),),
        ),
        UNCLEAR: Pattern(
            "No clear pattern",
            "Your answers do not point clearly to one of the common causes of knee pain in "
            "runners. A clinician can examine your knee and find out what is going on.",
        ),
    }
)

# Equal scores go to the pattern listed first: the more serious one, so it is not missed.
TIE_ORDER: Final = (
    "meniscus_tear",
    "osteoarthritis",
    "patellar_tendinitis",
    "it_band_syndrome",
    "runners_knee",
)

# --- Section 4: urgency and the assessment reasons --------------------------------------------

URGENT: Final = "urgent"
ASSESSMENT: Final = "assessment"
SELF_CARE: Final = "self_care"
URGENCIES: Final = (URGENT, ASSESSMENT, SELF_CARE)

# In the specification's order, which is the order an outcome lists them in.
ASSESSMENT_REASONS: Final[Mapping[str, AssessmentReason]] = MappingProxyType(
    {
        "pattern_needs_exam": AssessmentReason(
            "Your answers need a clinician to examine the knee.",
            primary_in=("meniscus_tear", UNCLEAR),
            secondary_in=("meniscus_tear",),
        ),
        "locking_or_giving_way": AssessmentReason(
            "Your knee catches or gives way.",
            when_any=((_includes("symptoms", "locking", "giving_way"),),),
        ),
        "injury_with_swelling": AssessmentReason(
            "The pain started with an injury and the knee swelled.",
            when_any=(
                (
                    _one_of("injury_event", "twist_or_pivot", "direct_blow_or_fall"),
                    _includes("symptoms", "swelling"),
                ),
            ),
        ),
        "severe_pain": AssessmentReason(
            "Your pain is severe.",
            when_any=((_at_least("pain_now", 7),), (_at_least("pain_worst_week", 8),)),
        ),
        # "If your knee pain lasts longer than a week or so, you should make an appointment."
        "lasted_over_a_week": AssessmentReason(
            "You have had this pain for more than a week.",
            when_any=((_above("duration_days", 7),),),
        ),
        "under_16": AssessmentReason(
            "Knee pain in young people can come from the hip or a growth plate.",
            when_any=((_below("age", 16),),),
        ),
    }
)

# --- Section 5: advice ------------------------------------------------------------------------

RUNNING_PATTERNS: Final = ("runners_knee", "patellar_tendinitis", "it_band_syndrome")
EXAM_PLAN: Final = "exam"  # the plan name used by Advice.plans for the exam plan
# Any of these reasons replaces the pattern's own plan with the exam plan.
EXAM_PLAN_REASONS: Final = frozenset(
    {"pattern_needs_exam", "locking_or_giving_way", "injury_with_swelling"}
)
# The plans that also get the contributing factors' advice (never the exam plan).
FACTOR_ADVICE_PLANS: Final = frozenset({*RUNNING_PATTERNS, "osteoarthritis"})

_RK, _PT, _ITB = RUNNING_PATTERNS

# Catalogue order is the order a plan lists its items in.
CATALOGUE: Final[Mapping[str, Advice]] = MappingProxyType(
    {
        "pain_guided_running": Advice(
            "Keep running only as far and as fast as keeps your pain at 3 out of 10 or lower, "
            "and settled by the next morning. Stop if the pain is sharp, makes you limp, or is "
            "worse the next day.",
            plans=RUNNING_PATTERNS,
        ),
        "return_to_running": Advice(
            "Build back with walk–run intervals on alternate days, adding no more than 10–20% "
            "a week while your pain stays at 3 out of 10 or lower.",
            plans=RUNNING_PATTERNS,
        ),
        "ice_15": Advice(
            "If it eases the pain, use a cold pack wrapped in a cloth for up to 15 minutes. "
            "Cold eases pain; it does not heal. Skip it if your skin is numb or you have "
            "Raynaud's.",
            plans=(_RK, _PT),
        ),
        "cross_train": Advice(
            "Keep fit with activities that don't aggravate the knee: cycling, an elliptical "
            "trainer, rowing or swimming.",
            plans=(_RK, _PT),
        ),
        "reduce_mileage": Advice(
            "Cut your weekly distance for now, to what keeps your pain at 3 out of 10 or lower.",
            plans=(_RK,),
        ),
        "strength_lower_body": Advice(
            "Strengthen your hips and thighs 3 times a week: side-lying leg raises and "
            "step-ups (3 sets of 10–15, slowly) and wall sits (3 holds of 30–45 seconds), with "
            "pain no higher than 3 out of 10.",
            plans=(_RK,),
        ),
        "foam_roll_quads": Advice(
            "Optional: foam-roll the front of your thigh if it feels good.", plans=(_RK,)
        ),
        "cadence_170_180": Advice(
            "Try slightly shorter, quicker steps: raise your own step rate by 5–10% (a "
            "metronome app helps) over a few weeks.",
            plans=(_RK,),
        ),
        "tendon_loading": Advice(
            "Load the tendon rather than resting it completely: hold a wall sit at a "
            "comfortable depth, 5 holds of 45 seconds with 2 minutes' rest, every day; after 2 "
            "weeks, add slow squats with a weight you can lift about 8 times with good form, 3 "
            "sets of 8, 3 times a week. Pain up to 3 out of 10 is fine.",
            plans=(_PT,),
            only_when=(_at_least("age", 16),),
        ),
        "young_athlete_load": Advice(
            "Growing knees need a gentler approach: cut back jumping and running to what "
            "keeps the pain at 3 out of 10 or lower, and keep up other sport that doesn't hurt.",
            plans=(_PT,),
            only_when=(_below("age", 16),),
        ),
        "patellar_strap": Advice(
            "A strap just below the kneecap may ease pain while you run.", plans=(_PT,)
        ),
        "stretch_quads_hamstrings": Advice(
            "Stretch the front and back of your thighs after exercise, 3 × 30 seconds each.",
            plans=(_PT,),
        ),
        "strengthen_glutes_core": Advice(
            "Strengthen the side of your hips 3 times a week: side-lying leg raises and "
            "single-leg squats (3 sets of 10–15) and side planks (3 holds of 30 seconds).",
            plans=(_ITB,),
        ),
        "foam_roll_outer_thigh": Advice(
            "Optional: foam-roll the muscles at the side of your hip and the front of your "
            "thigh, not the sore spot beside the knee.",
            plans=(_ITB,),
        ),
        "short_quick_strides": Advice(
            "Take slightly shorter, quicker strides: raise your step rate by 5–10%.",
            plans=(_ITB,),
        ),
        "warm_up_cool_down": Advice("Warm up before and cool down after every run.", plans=(_ITB,)),
        "ease_training_load": Advice(
            "Cut back your distance and avoid downhill running for now, then build up again "
            "gradually.",
            plans=(_ITB,),
        ),
        "assessment_needed": Advice(
            "A clinician should examine your knee: some causes need treatment and some settle "
            "on their own.",
            plans=(EXAM_PLAN,),
        ),
        "meniscus_info": Advice(
            "Many meniscus tears settle with exercise therapy; a clinician can check which "
            "kind you have.",
            plans=(EXAM_PLAN,),
            primary_in=("meniscus_tear",),
        ),
        "avoid_twisting": Advice(
            "Until you have been examined, avoid running, twisting, pivoting and deep squats. "
            "Walking and cycling are fine if they don't hurt.",
            plans=(EXAM_PLAN,),
        ),
        "stay_active": Advice(
            "Keep moving: walking, cycling, swimming and running help knee osteoarthritis. "
            "Some ache during and after activity is normal and not harmful if it settles "
            "within a day.",
            plans=("osteoarthritis",),
        ),
        "strength_oa": Advice(
            "Strengthen your thighs and hips 2–3 times a week: sit-to-stands, step-ups and leg "
            "raises, 3 sets of 10.",
            plans=("osteoarthritis",),
        ),
        "topical_nsaid": Advice(
            "If pain holds you back, ask a pharmacist whether an anti-inflammatory gel is "
            "right for you.",
            plans=("osteoarthritis",),
        ),
        "seek_urgent_care": Advice("Do not run. Get medical help as shown below."),
    }
)

# Contributing factors, in the specification's order; only for non-urgent outcomes.
FACTORS: Final[Mapping[str, Factor]] = MappingProxyType(
    {
        "footwear": Factor(
            "Shoes not made for running, or worn (over 800 km)",
            "replace_shoes",
            (_equals("running_specific_shoes", False), _above("shoe_km", 800)),
        ),
        "training_load": Factor(
            "A recent increase in distance or speed",
            "recovery_time",
            (_equals("recent_increase", True),),
        ),
        "surface": Factor(
            "Running on banked or cambered surfaces",
            "avoid_banked_surfaces",
            (_includes("surfaces", "banked_or_cambered"),),
        ),
        "overpronation": Factor(
            "The foot rolls inward (overpronation)",
            "motion_control_shoes",
            (_equals("foot_rolls_inward", "yes"),),
        ),
    }
)
FACTOR_ADVICE: Final[Mapping[str, str]] = MappingProxyType(
    {
        "replace_shoes": "Run in running shoes that suit your surfaces, and replace worn ones.",
        "recovery_time": "Give your body enough recovery time when you build distance or speed.",
        "avoid_banked_surfaces": "Avoid banked or cambered surfaces while the knee settles.",
        "motion_control_shoes": (
            "A clinician can check how your foot moves; shoes or an insert may help some runners."
        ),
    }
)

URGENT_ADVICE: Final = ("seek_urgent_care",)  # the whole plan when any red flag is present
MONITOR_ADVICE: Final = "monitor_pain"  # closes every self-care plan
BOOK_ADVICE: Final = "book_assessment"  # closes every assessment plan
ENDINGS: Final[Mapping[str, str]] = MappingProxyType(
    {
        MONITOR_ADVICE: (
            "If your knee is not clearly better in a week, book an assessment: your second "
            "opinion is free."
        ),
        BOOK_ADVICE: "We recommend an assessment for the reasons above: your second opinion is "
        "free.",
    }
)

# Every advice text of this version, by id: the catalogue, then factor advice, then endings.
ADVICE: Final[Mapping[str, str]] = MappingProxyType(
    {
        **{advice_id: item.text for advice_id, item in CATALOGUE.items()},
        **FACTOR_ADVICE,
        **ENDINGS,
    }
)
# Each pattern's own plan before per-answer conditions (tendon_loading / young_athlete_load).
PATTERN_ADVICE: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        plan: tuple(a for a, item in CATALOGUE.items() if plan in item.plans)
        for plan in (*PATTERNS, EXAM_PLAN)
    }
)

# --- Section 6: the follow-up ---------------------------------------------------------------

FOLLOW_UP_ANSWERS: Final = ("better", "same", "worse")
MIN_IMPROVEMENT_POINTS: Final = 2  # the usual minimal clinically important change on 0–10
ALWAYS_IMPROVING_AT_MOST: Final = 1  # a follow-up score of 0 or 1 is always improving

# --- Section 8 --------------------------------------------------------------------------------

DISCLAIMER: Final = (
    "This is not a diagnosis. It is a guide based on your answers, to help you and our "
    "clinicians. If your symptoms get worse, or you notice any of the warning signs above, "
    "seek medical care. In an emergency call your local emergency number."
)

# --- Section 1: plain words beside the jargon --------------------------------------------------

# (term as written in a text, its plain words), shown wherever a text uses the term.
PLAIN_WORDS: Final = (
    ("quadriceps", "front-of-thigh muscles"),
    ("glutes", "buttock muscles"),
    ("step rate", "steps per minute"),
)

# --- Earlier versions' texts, for stored outcomes (never re-scored) ---------------------------

ADVICE_BY_VERSION: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {"2026.11.1": history.ADVICE_2026_11_1, RULES_VERSION: ADVICE}
)
FACTOR_LABELS_BY_VERSION: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        "2026.11.1": history.FACTOR_LABELS_2026_11_1,
        RULES_VERSION: MappingProxyType({key: f.label for key, f in FACTORS.items()}),
    }
)

"""The knee-triage clinical rules as data: the single, versioned copy of knee-triage.md.

Every question, red flag, sign, point, threshold, urgency rule and advice text lives here and
nowhere else; `engine.py` only applies these tables. Change the clinic's rules here, bump
RULES_VERSION (stored with every outcome and advice sheet), and update the tests that quote
the specification.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

RULES_VERSION: Final = "2026.11.1"


@dataclass(frozen=True)
class Question:
    """One intake answer: how the form asks it and what a valid value is.

    `type` is one of "enum", "enum_list", "boolean", "integer", "number". `choices` holds
    (value, plain-language label) pairs, in display order, for the two enum types.
    `default` is what a missing optional answer means; it is unused when `required`.
    `nullable` says whether null may be *sent*: the specification allows it only for
    shoe_km and cadence_spm, even though a missing run_onset, pain_worst_week or weekly_km
    is stored as null.
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


@dataclass(frozen=True)
class RedFlag:
    question: str
    why: str


@dataclass(frozen=True)
class Condition:
    """One test on one cleaned answer; `engine.py` knows how to apply each `op`.

    Ops: "includes_any" (a list answer contains any of `value`, a tuple), "equals",
    "at_least" (>=), "above" (>), "below" (<). A null answer never passes a comparison, so
    "cadence known and < 170" is simply below("cadence_spm", 170).
    """

    key: str
    op: str
    value: Any


@dataclass(frozen=True)
class Pattern:
    name: str
    what_it_is: str
    signs: tuple[tuple[str, int], ...] = ()  # (sign id, points), in the specification's order


@dataclass(frozen=True)
class Factor:
    label: str
    advice: str
    when_any: tuple[Condition, ...]  # present if any one condition holds


def _includes(key: str, *values: str) -> Condition:
    return Condition(key, "includes_any", values)


def _equals(key: str, value: Any) -> Condition:
    return Condition(key, "equals", value)


def _at_least(key: str, value: int) -> Condition:
    return Condition(key, "at_least", value)


def _above(key: str, value: int) -> Condition:
    return Condition(key, "above", value)


def _below(key: str, value: int) -> Condition:
    return Condition(key, "below", value)


# --- Section 2: red flags, asked first, in this order --------------------------------------

RED_FLAGS: Final[Mapping[str, RedFlag]] = MappingProxyType(
    {
        "cannot_bear_weight": RedFlag(
            "Are you unable to put weight on the leg and take four steps?",
            "fracture / serious injury (Ottawa knee rule criterion)",
        ),
        "hot_swollen_fever": RedFlag(
            "Is the knee hot, red and swollen, or do you have a fever or feel unwell?",
            "possible joint infection: emergency",
        ),
        "calf_swelling_pain": RedFlag(
            "Is your calf swollen, tender or painful?",
            "possible blood clot (DVT): emergency",
        ),
        "numb_cold_foot": RedFlag(
            "Is your foot numb, tingling, pale or cold?",
            "nerve or blood-supply problem",
        ),
        "deformity_after_injury": RedFlag(
            "Does the knee look deformed after a fall or blow, or did you hear a pop and it "
            "swelled within hours?",
            "fracture, dislocation, ligament rupture",
        ),
        "cannot_straighten": RedFlag(
            "Is the knee locked so you cannot fully straighten it?",
            "locked (displaced) meniscus tear",
        ),
        "night_pain_weight_loss": RedFlag(
            "Constant pain at night with unexplained weight loss or fever?",
            "serious non-mechanical cause",
        ),
    }
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
            ("locking", "The knee gets stuck in one position"),
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
        "Worst pain in the last week",
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
        help="In days.",
    ),
    Question("age", "integer", "Age", required=True, min=12, max=110),
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
        "Has anyone told you your foot rolls inward (overpronation)?",
        default="unsure",
        choices=(("yes", "Yes"), ("no", "No"), ("unsure", "I'm not sure")),
    ),
    Question(
        "cadence_spm",
        "integer",
        "Your cadence (steps per minute), if you know it",
        nullable=True,
        min=100,
        max=230,
    ),
)


QUESTIONS: Final[Mapping[str, Question]] = MappingProxyType({q.key: q for q in _QUESTION_LIST})

# --- Section 3: signs, patterns, scoring ------------------------------------------------------

# (sign id, what a clinician reads under "why we think so", conditions that must all hold).
_SIGN_TABLE: tuple[tuple[str, str, tuple[Condition, ...]], ...] = (
    (
        "location_under_kneecap",
        "Pain under the kneecap",
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
    ("symptom_locking", "The knee gets stuck in one position", (_includes("symptoms", "locking"),)),
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
PATTERNS: Final[Mapping[str, Pattern]] = MappingProxyType(
    {
        "runners_knee": Pattern(
            "Runner's knee (patellofemoral pain)",
            "Pain directly under the kneecap, often set off by running or by going up and down "
            "stairs. The kneecap is not gliding quite in line, and the cartilage underneath it "
            "gets irritated.",
            (
                ("location_under_kneecap", 3),
                ("trigger_stairs", 1),
                ("trigger_running", 1),
                ("trigger_squatting", 1),
            ),
        ),
        "patellar_tendinitis": Pattern(
            "Patellar tendinitis",
            "Pain just below the kneecap, at the top of the shin. The force of running strains "
            "the patellar tendon, which joins the kneecap to the shin bone.",
            (("location_below_kneecap", 3), ("trigger_running", 1), ("trigger_squatting", 1)),
        ),
        "it_band_syndrome": Pattern(
            "IT band syndrome",
            "Pain on the outside of the knee that often starts a few minutes into a run and "
            "fades when you stop. The IT band, a long strip of tissue down the outside of the "
            "thigh to the knee, is tight and presses on a small fluid-filled sac beside it.",
            (
                ("location_outside", 3),
                ("onset_after_few_minutes", 1),
                ("eases_when_stopping", 1),
                ("surface_banked_or_cambered", 1),
            ),
        ),
        "meniscus_tear": Pattern(
            "Meniscus tear",
            "Pain all over the knee, often after a twist or a sudden change of direction. The "
            "menisci are two pads of cartilage that cushion the thigh bone and the shin bone; "
            "a tear can bring stiffness, pain even when not running, and a knee that gets "
            "stuck in one position.",
            (
                ("symptom_locking", 3),
                ("injury_twist_or_pivot", 2),
                ("location_all_over", 1),
                ("trigger_at_rest", 1),
                ("symptom_stiffness", 1),
            ),
        ),
        "osteoarthritis": Pattern(
            "Osteoarthritis",
            "The cartilage lining the knee has worn thin, so bone rubs on bone. The knee can "
            "hurt, swell and stiffen, even during everyday things like sitting, walking and "
            "climbing stairs.",
            (
                ("trigger_walking", 1),
                ("trigger_sitting_long", 1),
                ("trigger_stairs", 1),
                ("symptom_swelling", 1),
                ("stiffness_or_morning_stiffness", 1),
                ("gradual_onset_age_50_plus", 1),
            ),
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

# --- Section 4: urgency -----------------------------------------------------------------------

URGENT: Final = "urgent"
ASSESSMENT: Final = "assessment"
SELF_CARE: Final = "self_care"
URGENCIES: Final = (URGENT, ASSESSMENT, SELF_CARE)

ASSESSMENT_PATTERNS: Final = frozenset({"meniscus_tear", UNCLEAR})
ASSESSMENT_WHEN_ANY: Final = (
    _at_least("pain_now", 7),
    # "If your knee pain lasts longer than a week or so, you should make an appointment."
    _above("duration_days", 7),
    # Knee pain in adolescents can come from the hip or a growth plate.
    _below("age", 16),
)

# --- Section 5: advice ------------------------------------------------------------------------

# (advice id, text, patterns it is given for), in catalogue order: a pattern's plan follows it.
_ADVICE_CATALOGUE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "ice_15",
        "Ice the knee for 15 minutes, several times a day, to calm inflammation.",
        ("runners_knee", "patellar_tendinitis"),
    ),
    (
        "cross_train",
        "Cross-train with activities that don't aggravate the knee: elliptical, rowing "
        "machine, swimming.",
        ("runners_knee", "patellar_tendinitis"),
    ),
    ("foam_roll_quads", "Foam-roll your quadriceps.", ("runners_knee",)),
    ("reduce_mileage", "Reduce your weekly mileage for now.", ("runners_knee",)),
    (
        "strength_lower_body",
        "Add lower-body strength training to your weekly routine.",
        ("runners_knee",),
    ),
    (
        "cadence_170_180",
        "Take shorter strides: raise your step rate by 5–10% over a few weeks, towards "
        "170–180 foot strikes per minute.",
        ("runners_knee",),
    ),
    (
        "patellar_strap",
        "Try a patellar tendon strap under the kneecap when you run.",
        ("patellar_tendinitis",),
    ),
    ("strength_regular", "Regular, focused strength training.", ("patellar_tendinitis",)),
    (
        "stretch_quads_hamstrings",
        "Stretch your quadriceps and hamstrings.",
        ("patellar_tendinitis",),
    ),
    ("foam_roll_daily", "Foam-roll daily.", ("patellar_tendinitis",)),
    (
        "foam_roll_outer_thigh",
        "Foam-roll the soft part of your outer thigh every day.",
        ("it_band_syndrome",),
    ),
    ("strengthen_glutes_core", "Strengthen your glutes and core.", ("it_band_syndrome",)),
    ("short_quick_strides", "Use short, quick strides.", ("it_band_syndrome",)),
    (
        "warm_up_cool_down",
        "Warm up before and cool down after every run.",
        ("it_band_syndrome",),
    ),
    (
        "ease_training_load",
        "Overtraining is the most common cause: ease back your volume.",
        ("it_band_syndrome",),
    ),
    (
        "assessment_needed",
        "Treatment depends on the size and location of a tear; small tears may heal on their "
        "own. A clinician should assess it.",
        ("meniscus_tear", UNCLEAR),
    ),
    (
        "stay_active",
        "Keep the joint moving: regular activity keeps it lubricated.",
        ("osteoarthritis",),
    ),
    ("soft_surfaces", "Run on soft surfaces such as a springy track.", ("osteoarthritis",)),
    ("seek_urgent_care", "Seek medical care today. Do not run.", ()),
    # Contributing-factor advice (given through FACTORS, never for a pattern).
    (
        "replace_shoes",
        "Run in running shoes that suit your surfaces, and replace worn ones.",
        (),
    ),
    (
        "recovery_time",
        "Give your body enough recovery time when you build distance or speed.",
        (),
    ),
    (
        "avoid_banked_surfaces",
        "Avoid banked or cambered surfaces while the knee settles.",
        (),
    ),
    (
        "motion_control_shoes",
        "Motion-control shoes or an orthotic insert may help; a clinician can check your gait.",
        (),
    ),
    (
        "monitor_pain",
        "Monitor your pain. If it lasts longer than a week or so, book an assessment: your "
        "second opinion is free.",
        (),
    ),
)

ADVICE: Final[Mapping[str, str]] = MappingProxyType(
    {advice_id: text for advice_id, text, _ in _ADVICE_CATALOGUE}
)
PATTERN_ADVICE: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        pattern: tuple(a for a, _, given_for in _ADVICE_CATALOGUE if pattern in given_for)
        for pattern in PATTERNS
    }
)
URGENT_ADVICE: Final = ("seek_urgent_care",)  # the whole plan when any red flag is present
MONITOR_ADVICE: Final = "monitor_pain"  # closes every non-urgent plan

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
        "cadence": Factor(
            "A step rate under 170 per minute",
            "cadence_170_180",
            (_below("cadence_spm", 170),),
        ),
    }
)

# --- Section 7 --------------------------------------------------------------------------------

DISCLAIMER: Final = (
    "This is not a diagnosis. It is a guide based on your answers, to help you and our "
    "clinicians. If your symptoms get worse, or you notice any of the warning signs above, "
    "seek medical care. In an emergency call your local emergency number."
)

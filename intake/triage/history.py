"""Texts of earlier rules versions, kept so a stored outcome still reads as it was given.

Outcomes are never re-scored: an outcome made under 2026.11.1 keeps its advice ids, and
those ids must keep rendering the words the patient was given then (some ids were retired in
2026.12.1, others changed their text). Only texts live here, never scoring rules.
"""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

# Rules 2026.11.1, section 5: advice id -> text, in that version's catalogue order.
ADVICE_2026_11_1: Final[Mapping[str, str]] = MappingProxyType(
    {
        "ice_15": "Ice the knee for 15 minutes, several times a day, to calm inflammation.",
        "cross_train": (
            "Cross-train with activities that don't aggravate the knee: elliptical, rowing "
            "machine, swimming."
        ),
        "foam_roll_quads": "Foam-roll your quadriceps.",
        "reduce_mileage": "Reduce your weekly mileage for now.",
        "strength_lower_body": "Add lower-body strength training to your weekly routine.",
        "cadence_170_180": (
            "Take shorter strides: raise your step rate by 5–10% over a few weeks, towards "
            "170–180 foot strikes per minute."
        ),
        "patellar_strap": "Try a patellar tendon strap under the kneecap when you run.",
        "strength_regular": "Regular, focused strength training.",
        "stretch_quads_hamstrings": "Stretch your quadriceps and hamstrings.",
        "foam_roll_daily": "Foam-roll daily.",
        "foam_roll_outer_thigh": "Foam-roll the soft part of your outer thigh every day.",
        "strengthen_glutes_core": "Strengthen your glutes and core.",
        "short_quick_strides": "Use short, quick strides.",
        "warm_up_cool_down": "Warm up before and cool down after every run.",
        "ease_training_load": "Overtraining is the most common cause: ease back your volume.",
        "assessment_needed": (
            "Treatment depends on the size and location of a tear; small tears may heal on "
            "their own. A clinician should assess it."
        ),
        "stay_active": "Keep the joint moving: regular activity keeps it lubricated.",
        "soft_surfaces": "Run on soft surfaces such as a springy track.",
        "seek_urgent_care": "Seek medical care today. Do not run.",
        "replace_shoes": "Run in running shoes that suit your surfaces, and replace worn ones.",
        "recovery_time": "Give your body enough recovery time when you build distance or speed.",
        "avoid_banked_surfaces": "Avoid banked or cambered surfaces while the knee settles.",
        "motion_control_shoes": (
            "Motion-control shoes or an orthotic insert may help; a clinician can check your gait."
        ),
        "monitor_pain": (
            "Monitor your pain. If it lasts longer than a week or so, book an assessment: your "
            "second opinion is free."
        ),
    }
)

# Rules 2026.11.1: contributing factor -> the label clinicians read (`cadence` is retired).
FACTOR_LABELS_2026_11_1: Final[Mapping[str, str]] = MappingProxyType(
    {
        "footwear": "Shoes not made for running, or worn (over 800 km)",
        "training_load": "A recent increase in distance or speed",
        "surface": "Running on banked or cambered surfaces",
        "overpronation": "The foot rolls inward (overpronation)",
        "cadence": "A step rate under 170 per minute",
    }
)

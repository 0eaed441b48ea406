"""Worked examples for the intake and follow-up API, shown on /api/docs/.

Each request example is a body the API accepts as it stands (tests/intake/test_api_docs.py
submits them), so a newcomer can press "Try it out" and get a 201 back.
"""

from typing import Any

from drf_spectacular.utils import OpenApiExample

TOKEN = "eyJpZCI6MSwicCI6ImludGFrZSJ9:1xXjO0:a_rG97_ePTljp7y1rqESmnJdZnKLo06rhplDlaAYMzM"  # noqa: S105 (an example, signed by no clinic)
BASE = "https://clinic.example/"

INTAKE_BODY: dict[str, Any] = {
    "patient": {
        "name": "Alex Runner",
        "email": "alex@example.com",
        "phone": "",
        "channel": "email",
        "timezone": "Europe/London",
        "consent_follow_up": True,
    },
    "answers": {
        "knee": "left",
        "pain_locations": ["under_kneecap"],
        "pain_triggers": ["running", "stairs"],
        "run_onset": "after_long_run",
        "eases_when_stopping": False,
        "injury_event": "none_gradual",
        "symptoms": [],
        "pain_now": 3,
        "pain_worst_week": 5,
        "duration_days": 5,
        "age": 34,
        "weekly_km": 30,
        "recent_increase": False,
        "shoe_km": 300,
        "running_specific_shoes": True,
        "surfaces": ["road"],
        "foot_rolls_inward": "no",
        "cadence_spm": 175,
        "red_flags": [],
    },
}

INTAKE_RESPONSE: dict[str, Any] = {
    "id": 1,
    "token": TOKEN,
    "patient": {"guardian": None, "language": "en"},  # an adult: no parent or guardian
    "triage": {
        "pattern": "runners_knee",
        "pattern_name": "Runner's knee (pain around the kneecap)",
        "secondary_patterns": [],
        "urgency": "self_care",
        "care_route": None,
        "care_route_text": None,
        "red_flags": [],
        "assessment_reasons": [],
        "advice": [
            {
                "id": "reduce_mileage",
                "text": "Cut your weekly distance for now, to what keeps your pain at 3 out "
                "of 10 or lower.",
            },
            {
                "id": "monitor_pain",
                "text": "If your knee is not clearly better in a week, book an assessment: "
                "your second opinion is free.",
            },
        ],
        "factors": [],
        "matched_signs": {"runners_knee": ["location_under_kneecap", "trigger_stairs"]},
        "disclaimer": "This is not a diagnosis. It is a guide based on your answers, to help "
        "you and our clinicians. …",
        "rules_version": "2026.12.1",
    },
    "links": {
        "result": f"{BASE}intake/r/{TOKEN}/",
        "book": f"{BASE}book/{TOKEN}/",
        "advice_sheet": f"{BASE}intake/r/{TOKEN}/advice.pdf",
    },
}

# The same intake from a Spanish-speaking patient: every text and message in Spanish.
INTAKE_BODY_ES: dict[str, Any] = {
    "patient": {**INTAKE_BODY["patient"], "name": "Ana Corredora", "language": "es"},
    "answers": INTAKE_BODY["answers"],
}
INTAKE_RESPONSE_ES = {
    **INTAKE_RESPONSE,
    "patient": {"guardian": None, "language": "es"},
    "triage": {
        **INTAKE_RESPONSE["triage"],
        "pattern_name": "Rodilla del corredor (dolor alrededor de la rótula)",
        "advice": [
            {
                "id": "reduce_mileage",
                "text": "Por ahora, reduzca la distancia semanal a lo que mantenga su dolor en "
                "3 de 10 o menos.",
            },
            {
                "id": "monitor_pain",
                "text": "Si su rodilla no está claramente mejor en una semana, pida una cita de "
                "evaluación: su segunda opinión es gratuita.",
            },
        ],
        "disclaimer": "Esto no es un diagnóstico. Es una guía basada en sus respuestas, para "
        "ayudarle a usted y a nuestros profesionales clínicos. …",
    },
}

INTAKE_CREATE = [
    OpenApiExample(
        "A runner's knee, self-care",
        summary="A complete intake: no warning signs, answered by email",
        value=INTAKE_BODY,
        request_only=True,
    ),
    OpenApiExample(
        "In Spanish",
        summary='patient.language "es": the texts and every message in Spanish',
        value=INTAKE_BODY_ES,
        request_only=True,
    ),
    OpenApiExample(
        "Triaged as self-care",
        value=INTAKE_RESPONSE,
        response_only=True,
        status_codes=["201"],
    ),
    OpenApiExample(
        "Triaged as self-care, in Spanish",
        value=INTAKE_RESPONSE_ES,
        response_only=True,
        status_codes=["201"],
    ),
]

INTAKE_RETRIEVE = [
    OpenApiExample(
        "The patient's own intake",
        value=INTAKE_RESPONSE,
        response_only=True,
        status_codes=["200"],
    ),
]

FOLLOW_UP_BODY = {"token": TOKEN, "answer": "same", "pain_now": 3}

FOLLOW_UP_RESPOND = [
    OpenApiExample(
        "About the same, pain 3 out of 10",
        summary="The token is the one in the check-in message's link",
        value=FOLLOW_UP_BODY,
        request_only=True,
    ),
    OpenApiExample(
        "Not improving: an invitation to book",
        value={
            "answer": "same",
            "pain_now": 3,
            "not_improving": True,
            "links": {"book": f"{BASE}book/{TOKEN}/"},
        },
        response_only=True,
        status_codes=["200"],
    ),
]

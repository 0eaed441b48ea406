"""RiskAssessment/triage-{id}: what the rules engine said about one intake.

The likely pattern (and any secondary ones) is the prediction; the urgency and the care
route, which FHIR's RiskAssessment has no element for, are extensions; the rules version is
the method's version; the basis is the questionnaire response, then the red flags and the
matched signs, each as a display-only reference (they are rules, not resources).
"""

from django.db.models import F, QuerySet
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.riskassessment import RiskAssessment, RiskAssessmentPrediction

from fhir_api.mappings.base import RowSource
from fhir_api.mappings.common import (
    code_system,
    extension_url,
    intake_id,
    local_concept,
    meta,
    patient_reference,
    reference,
)
from intake.models import TriageOutcome
from intake.triage import PATTERNS, RED_FLAGS, SIGNS

RESOURCE_TYPE = "RiskAssessment"


def _prediction(pattern: str, score: int | None, rank: str) -> RiskAssessmentPrediction:
    name = PATTERNS[pattern].name if pattern in PATTERNS else pattern
    points = f", {score} points" if score is not None else ""
    return RiskAssessmentPrediction(
        outcome=local_concept("knee-pattern", pattern, name), rationale=f"{rank}{points}"
    )


def _basis(outcome: TriageOutcome) -> list[Reference]:
    basis = [reference("QuestionnaireResponse", intake_id(outcome.intake_id))]
    basis += [
        Reference(display=f"Red flag: {RED_FLAGS[flag].statement}" if flag in RED_FLAGS else flag)
        for flag in outcome.red_flags
    ]
    for pattern, signs in outcome.matched_signs.items():
        basis += [Reference(display=f"{pattern}: {SIGNS.get(sign, sign)}") for sign in signs]
    return basis


# Long on purpose: one resource literal, field by field as FHIR lays it out.
def build(outcome: TriageOutcome) -> RiskAssessment:
    scores = outcome.scores or {}
    predictions = [_prediction(outcome.pattern, scores.get(outcome.pattern), "Primary pattern")]
    predictions += [
        _prediction(p, scores.get(p), "Secondary pattern") for p in outcome.secondary_patterns
    ]
    extensions = [
        Extension(
            url=extension_url("triage-urgency"),
            valueCodeableConcept=local_concept(
                "triage-urgency", outcome.urgency, outcome.get_urgency_display()
            ),
        )
    ]
    if outcome.care_route:
        extensions.append(
            Extension(
                url=extension_url("care-route"),
                valueCodeableConcept=local_concept(
                    "care-route", outcome.care_route, outcome.get_care_route_display()
                ),
            )
        )
    return RiskAssessment(
        id=f"triage-{outcome.pk}",
        meta=meta(outcome.created_at),
        extension=extensions,
        status="final",
        method={
            "coding": [
                {
                    "system": code_system("triage-rules"),
                    "code": "knee-triage",
                    "version": outcome.rules_version,
                    "display": "Stride knee-triage rules",
                }
            ],
            "text": f"Stride knee-triage rules {outcome.rules_version}",
        },
        subject=patient_reference(outcome.fhir_patient_id),
        occurrenceDateTime=outcome.created_at,
        basis=_basis(outcome),
        prediction=predictions,
    )


def rows() -> QuerySet[TriageOutcome]:
    return TriageOutcome.objects.annotate(
        fhir_last_updated=F("created_at"), fhir_patient_id=F("intake__patient_id")
    )


SOURCES = [RowSource(RESOURCE_TYPE, "triage", rows, build, patient_lookup="intake__patient_id")]

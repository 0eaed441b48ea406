"""Observation: the pain scores, 0 to 10, from the intake and from the one-week follow-up.

Pain now is LOINC 72514-3 (pain severity, 0-10 verbal numeric rating, reported). No LOINC
code says "worst pain over the past week" on this scale, so that score carries Stride's own
code. Ids name the record and the score: intake-42-pain, follow-up-7-pain-worst-week.
"""

from datetime import datetime

from django.db.models import F, Q, QuerySet
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.observation import Observation

from fhir_api.mappings.base import RowSource
from fhir_api.mappings.common import (
    LOINC,
    SNOMED,
    code_system,
    intake_id,
    meta,
    patient_reference,
    reference,
)
from intake.models import FollowUp, Intake

RESOURCE_TYPE = "Observation"
CATEGORIES = "http://terminology.hl7.org/CodeSystem/observation-category"
PAIN_NOW = Coding(
    system=LOINC,
    code="72514-3",
    display="Pain severity - 0-10 verbal numeric rating [Score] - Reported",
)
PAIN_WORST_WEEK = Coding(
    system=code_system("observation"),
    code="pain-worst-week",
    display="Worst knee pain over the past week, 0-10 numeric rating",
)
KNEE_SITES = {"left": "Left knee", "right": "Right knee", "both": "Both knees"}


def _observation(
    *,
    resource_id: str,
    code: Coding,
    value: int,
    patient_pk: int,
    when: datetime,
    knee: str,
    derived_from: str | None,
) -> Observation:
    return Observation(
        id=resource_id,
        meta=meta(when),
        status="final",
        category=[CodeableConcept(coding=[{"system": CATEGORIES, "code": "survey"}])],
        code=CodeableConcept(coding=[code], text=code.display),
        subject=patient_reference(patient_pk),
        effectiveDateTime=when,
        valueInteger=value,
        bodySite=CodeableConcept(
            coding=[{"system": SNOMED, "code": "72696002", "display": "Knee region structure"}],
            text=KNEE_SITES.get(knee, "Knee"),
        ),
        derivedFrom=[reference("QuestionnaireResponse", derived_from)] if derived_from else None,
    )


def _intake_pain(intake: Intake) -> Observation:
    return _observation(
        resource_id=f"{intake_id(intake.pk)}-pain",
        code=PAIN_NOW,
        value=intake.pain_now,
        patient_pk=intake.patient_id,
        when=intake.submitted_at,
        knee=intake.knee,
        derived_from=intake_id(intake.pk),
    )


def _intake_pain_worst_week(intake: Intake) -> Observation:
    return _observation(
        resource_id=f"{intake_id(intake.pk)}-pain-worst-week",
        code=PAIN_WORST_WEEK,
        value=intake.answers["pain_worst_week"],
        patient_pk=intake.patient_id,
        when=intake.submitted_at,
        knee=intake.knee,
        derived_from=intake_id(intake.pk),
    )


def _follow_up_pain(follow_up: FollowUp) -> Observation:
    return _observation(
        resource_id=f"follow-up-{follow_up.pk}-pain",
        code=PAIN_NOW,
        value=follow_up.pain_now,  # the rows are filtered on it
        patient_pk=follow_up.fhir_patient_id,
        when=follow_up.fhir_last_updated,
        knee=follow_up.fhir_knee,
        derived_from=None,
    )


def _follow_up_pain_worst_week(follow_up: FollowUp) -> Observation:
    return _observation(
        resource_id=f"follow-up-{follow_up.pk}-pain-worst-week",
        code=PAIN_WORST_WEEK,
        value=follow_up.pain_worst_week,  # where the field exists
        patient_pk=follow_up.fhir_patient_id,
        when=follow_up.fhir_last_updated,
        knee=follow_up.fhir_knee,
        derived_from=None,
    )


def _intakes() -> QuerySet[Intake]:
    return Intake.objects.annotate(fhir_last_updated=F("submitted_at"))


def _intakes_with_worst_week() -> QuerySet[Intake]:
    # A JSON null (not answered) is no score; a missing key neither.
    return (
        _intakes().filter(answers__has_key="pain_worst_week").exclude(answers__pain_worst_week=None)
    )


def _follow_ups(score_field: str) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(
        Q(**{f"{score_field}__isnull": False}), answered_at__isnull=False
    ).annotate(
        fhir_last_updated=F("answered_at"),
        fhir_patient_id=F("intake__patient_id"),
        fhir_knee=F("intake__knee"),
    )


def _has_field(model: type, name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


SOURCES = [
    RowSource(RESOURCE_TYPE, "intake", _intakes, _intake_pain, "patient_id", suffix="-pain"),
    RowSource(
        RESOURCE_TYPE,
        "intake",
        _intakes_with_worst_week,
        _intake_pain_worst_week,
        "patient_id",
        suffix="-pain-worst-week",
    ),
    RowSource(
        RESOURCE_TYPE,
        "follow-up",
        lambda: _follow_ups("pain_now"),
        _follow_up_pain,
        "intake__patient_id",
        suffix="-pain",
    ),
]
# The follow-up's worst-week score arrives with the clinical rules 2026.12.1 (issue 12).
if _has_field(FollowUp, "pain_worst_week"):
    SOURCES.append(
        RowSource(
            RESOURCE_TYPE,
            "follow-up",
            lambda: _follow_ups("pain_worst_week"),
            _follow_up_pain_worst_week,
            "intake__patient_id",
            suffix="-pain-worst-week",
        )
    )

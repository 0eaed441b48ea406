"""Patient/patient-{id}: the person of an intake, and a child's parent or guardian as contact.

Stride asks for a name, an email or phone and the follow-up channel; no birth date (an
intake records an age). A guardian (clinical specification section 9) is read wherever
the patient row holds one: a `guardian` object or mapping, or flat `guardian_*` fields.
"""

from typing import Any

from django.db.models import F, QuerySet
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.patient import PatientCommunication, PatientContact

from fhir_api.mappings.base import RowSource
from fhir_api.mappings.common import meta, patient_id
from intake.models import Language, Patient

RESOURCE_TYPE = "Patient"
ROLE_CODES = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
GUARDIAN_PARTS = ("name", "relationship", "email", "phone")
LANGUAGE_CODES = "urn:ietf:bcp:47"  # FHIR's value set for Patient.communication.language


def _telecom(email: str | None, phone: str | None, preferred: str | None = None) -> list:
    points = []
    if email:
        points.append(
            ContactPoint(system="email", value=email, rank=1 if preferred == "email" else None)
        )
    if phone:
        points.append(
            ContactPoint(system="sms", value=phone, rank=1 if preferred == "sms" else None)
        )
    return points


def guardian_of(patient: Any) -> dict[str, str] | None:
    """The guardian's name, relationship, email and phone, or None when the row has none."""
    guardian = getattr(patient, "guardian", None)
    if isinstance(guardian, dict):
        found = {part: guardian.get(part) or "" for part in GUARDIAN_PARTS}
    elif guardian is not None:
        found = {part: getattr(guardian, part, "") or "" for part in GUARDIAN_PARTS}
    else:
        found = {part: getattr(patient, f"guardian_{part}", "") or "" for part in GUARDIAN_PARTS}
    return found if found["name"] else None


def _guardian_contact(guardian: dict[str, str]) -> PatientContact:
    return PatientContact(
        relationship=[
            CodeableConcept(
                coding=[{"system": ROLE_CODES, "code": "GUARD", "display": "guardian"}],
                text=guardian["relationship"] or None,
            )
        ],
        name=HumanName(text=guardian["name"]),
        telecom=_telecom(guardian["email"], guardian["phone"]) or None,
    )


def _communication(language: str) -> list[PatientCommunication]:
    """The language everything is sent to the patient in (Patient.language), preferred."""
    display = dict(Language.choices).get(language, language)
    coding = [{"system": LANGUAGE_CODES, "code": language, "display": display}]
    return [PatientCommunication(language=CodeableConcept(coding=coding), preferred=True)]


def build(patient: Patient) -> FhirPatient:
    guardian = guardian_of(patient)
    return FhirPatient(
        id=patient_id(patient.pk),
        meta=meta(patient.fhir_last_updated),
        active=True,
        name=[HumanName(text=patient.name)] if patient.name.strip() else None,
        telecom=_telecom(patient.email, patient.phone, patient.channel) or None,
        contact=[_guardian_contact(guardian)] if guardian else None,
        communication=_communication(patient.language),
    )


def rows() -> QuerySet[Patient]:
    return Patient.objects.annotate(fhir_last_updated=F("created_at"))


SOURCES = [RowSource(RESOURCE_TYPE, "patient", rows, build, patient_lookup="pk")]

"""What every mapping shares: the ids, references, code systems and meta of Stride's FHIR."""

from datetime import datetime
from typing import Any

from django.conf import settings
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.reference import Reference

# Stride's own code systems and extensions. A namespace, not a page: these are names.
NAMESPACE = "https://stride.clinic/fhir"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
QUESTIONNAIRE_ID = "knee-intake"


def code_system(name: str) -> str:
    return f"{NAMESPACE}/CodeSystem/{name}"


def extension_url(name: str) -> str:
    return f"{NAMESPACE}/StructureDefinition/{name}"


def base_url() -> str:
    """The FHIR base the service answers on, e.g. https://clinic.example/fhir/R4."""
    return f"{settings.SITE_URL}/fhir/R4"


def questionnaire_canonical() -> str:
    return f"{base_url()}/Questionnaire/{QUESTIONNAIRE_ID}"


def patient_id(pk: int) -> str:
    return f"patient-{pk}"


def intake_id(pk: int) -> str:
    return f"intake-{pk}"


def patient_reference(pk: int) -> Reference:
    return Reference(reference=f"Patient/{patient_id(pk)}")


def reference(resource_type: str, resource_id: str, display: str | None = None) -> Reference:
    return Reference(reference=f"{resource_type}/{resource_id}", display=display)


def meta(last_updated: datetime | None, **extra: Any) -> Meta | None:
    if last_updated is None and not extra:
        return None
    return Meta(lastUpdated=last_updated, **extra)


def local_concept(system: str, code: str, display: str) -> CodeableConcept:
    """A concept from one of Stride's own code systems, with its display as the text."""
    return CodeableConcept(
        coding=[Coding(system=code_system(system), code=code, display=display)], text=display
    )

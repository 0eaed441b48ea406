"""The resource types Stride serves, each made by one mapping module from the models.

`SOURCES` maps a FHIR resource type to its sources (fhir_api/mappings/base.py), in the order
a search pages through them. A new type is a new module here and one line below.
"""

from fhir_api.mappings import (
    appointment,
    communication,
    observation,
    patient,
    questionnaire,
    questionnaire_response,
    risk_assessment,
    schedule,
    service_request,
    slot,
)
from fhir_api.mappings.base import Filters, RowSource, Source, StaticSource

SOURCES: dict[str, list[Source]] = {
    module.RESOURCE_TYPE: list(module.SOURCES)
    for module in (
        patient,
        questionnaire,
        questionnaire_response,
        observation,
        risk_assessment,
        service_request,
        appointment,
        schedule,
        slot,
        communication,
    )
}
RESOURCE_TYPES = tuple(SOURCES)
# The types of a patient's compartment: what `patient=` searches and $everything reach.
PATIENT_TYPES = tuple(
    name
    for name, sources in SOURCES.items()
    if any(isinstance(s, RowSource) and s.patient_lookup for s in sources)
)

__all__ = [
    "PATIENT_TYPES",
    "RESOURCE_TYPES",
    "SOURCES",
    "Filters",
    "RowSource",
    "Source",
    "StaticSource",
]

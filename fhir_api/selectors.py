"""Reads: one resource by id, a page of a search across a type's sources, a patient's all."""

from fhir_core.fhirabstractmodel import FHIRAbstractModel

from fhir_api.errors import NotFound
from fhir_api.mappings import PATIENT_TYPES, SOURCES, Filters


def resource_read(*, resource_type: str, resource_id: str) -> FHIRAbstractModel:
    for source in SOURCES[resource_type]:
        resource = source.get(resource_id)
        if resource is not None:
            return resource
    raise NotFound(f"{resource_type}/{resource_id} is not known.")


def resource_search(
    *, resource_type: str, filters: Filters, offset: int, count: int
) -> tuple[int, list[FHIRAbstractModel]]:
    """The total, and the page [offset, offset + count) across the type's sources in order."""
    total = 0
    page: list[FHIRAbstractModel] = []
    for source in SOURCES[resource_type]:
        size = source.count(filters)
        start = max(0, offset - total)
        wanted = count - len(page)
        if wanted > 0 and start < size:
            page += source.page(filters, start, wanted)
        total += size
    return total, page


def patient_everything(*, patient_pk: int, resource_types: list[str]) -> list[FHIRAbstractModel]:
    """Every resource of the patient's compartment among `resource_types`; 404 if unknown."""
    filters = Filters(patient_pk=patient_pk)
    if not SOURCES["Patient"][0].count(filters):
        raise NotFound("That patient is not known.")
    found: list[FHIRAbstractModel] = []
    for resource_type in PATIENT_TYPES:
        if resource_type in resource_types:
            for source in SOURCES[resource_type]:
                found += source.iterate(filters, chunk_size=500)
    return found

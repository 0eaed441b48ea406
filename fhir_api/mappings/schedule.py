"""Schedule/clinician-{id}: one clinician's bookable time (the slots point to it)."""

from django.db.models import F, QuerySet
from fhir.resources.R4B.schedule import Schedule

from fhir_api.mappings.base import RowSource
from fhir_api.mappings.common import meta
from referrals.models import Clinician

RESOURCE_TYPE = "Schedule"


def build(clinician: Clinician) -> Schedule:
    return Schedule(
        id=f"clinician-{clinician.pk}",
        meta=meta(clinician.fhir_last_updated),
        active=clinician.active,
        # Clinicians are not served as Practitioner resources: named, not referenced.
        actor=[{"display": f"{clinician.display_name}, {clinician.title}"}],
        comment="Free second-opinion appointments",
    )


def rows() -> QuerySet[Clinician]:
    return Clinician.objects.annotate(fhir_last_updated=F("created_at"))


SOURCES = [RowSource(RESOURCE_TYPE, "clinician", rows, build, patient_lookup=None)]

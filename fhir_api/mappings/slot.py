"""Slot/slot-{id}: a stretch of a clinician's time, free, booked or no longer offered."""

from django.db.models import Exists, F, OuterRef, QuerySet
from fhir.resources.R4B.slot import Slot as FhirSlot

from fhir_api.mappings.base import RowSource
from fhir_api.mappings.common import meta, reference
from referrals.models import ACTIVE_APPOINTMENT, Appointment, Slot

RESOURCE_TYPE = "Slot"


def _status(slot: Slot) -> str:
    if slot.fhir_booked:
        return "busy"
    return "free" if slot.offered else "busy-unavailable"


def build(slot: Slot) -> FhirSlot:
    return FhirSlot(
        id=f"slot-{slot.pk}",
        meta=meta(slot.fhir_last_updated),
        schedule=reference("Schedule", f"clinician-{slot.clinician_id}"),
        status=_status(slot),
        start=slot.starts_at,
        end=slot.ends_at,
    )


def rows() -> QuerySet[Slot]:
    booked = Appointment.objects.filter(ACTIVE_APPOINTMENT, slot=OuterRef("pk"))
    return Slot.objects.annotate(fhir_last_updated=F("created_at"), fhir_booked=Exists(booked))


SOURCES = [RowSource(RESOURCE_TYPE, "slot", rows, build, patient_lookup=None)]

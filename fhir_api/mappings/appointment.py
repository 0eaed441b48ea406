"""Appointment/appointment-{id}: a booked (or cancelled, completed, missed) second opinion."""

from django.db.models import F, QuerySet
from fhir.resources.R4B.appointment import Appointment as FhirAppointment
from fhir.resources.R4B.appointment import AppointmentParticipant

from fhir_api.mappings.base import RowSource
from fhir_api.mappings.common import local_concept, meta, patient_reference, reference
from referrals.models import Appointment

RESOURCE_TYPE = "Appointment"
STATUSES: dict[str, str] = {
    Appointment.Status.BOOKED: "booked",
    Appointment.Status.CANCELLED: "cancelled",
    Appointment.Status.COMPLETED: "fulfilled",
    Appointment.Status.NO_SHOW: "noshow",
}


def build(appointment: Appointment) -> FhirAppointment:
    return FhirAppointment(
        id=f"appointment-{appointment.pk}",
        meta=meta(appointment.fhir_last_updated),
        # A status added later (appointment outcomes) maps to booked until it is named here.
        status=STATUSES.get(appointment.status, "booked"),
        appointmentType=local_concept(
            "appointment-kind", appointment.kind, appointment.get_kind_display()
        ),
        start=appointment.starts_at,
        end=appointment.ends_at,
        created=appointment.created_at,
        slot=[reference("Slot", f"slot-{appointment.slot_id}")],
        participant=[
            AppointmentParticipant(
                actor=patient_reference(appointment.patient_id), status="accepted"
            ),
            # Clinicians are not served as Practitioner resources: named, not referenced.
            AppointmentParticipant(
                actor={"display": appointment.fhir_clinician_name}, status="accepted"
            ),
        ],
    )


def rows() -> QuerySet[Appointment]:
    return Appointment.objects.annotate(
        fhir_last_updated=F("updated_at"), fhir_clinician_name=F("clinician__display_name")
    )


SOURCES = [RowSource(RESOURCE_TYPE, "appointment", rows, build, patient_lookup="patient_id")]

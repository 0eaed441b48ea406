"""Communication/message-{id}: each email or text the clinic sent. Never the body text.

The message log knows what a message is about only as an opaque reference ("intake:42");
the patient is that intake's. A message with no recipient zone went to the clinic's own
people (an urgent alert), so its recipient is the clinic's staff, not the patient.
"""

from django.db.models import BigIntegerField, Case, F, OuterRef, QuerySet, Subquery, When
from django.db.models.functions import Cast, Substr
from fhir.resources.R4B.communication import Communication
from fhir.resources.R4B.reference import Reference

from clinic.messaging.models import Channel, Message
from fhir_api.mappings.base import RowSource
from fhir_api.mappings.common import intake_id, local_concept, meta, patient_reference, reference
from intake.models import Intake

RESOURCE_TYPE = "Communication"
MODES = "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode"
MEDIA = {
    Channel.EMAIL: {"system": MODES, "code": "EMAILWRIT", "display": "email"},
    Channel.SMS: {"system": MODES, "code": "SMSWRIT", "display": "SMS"},
}
ABOUT_INTAKE = "intake:"


def _recipient(message: Message, patient_pk: int | None) -> list[Reference] | None:
    if not message.recipient_zone:
        return [Reference(display="The clinic's staff")]
    return [patient_reference(patient_pk)] if patient_pk else None


def build(message: Message) -> Communication:
    patient_pk = message.fhir_patient_id
    intake_pk = message.fhir_intake_id
    return Communication(
        id=f"message-{message.pk}",
        meta=meta(message.fhir_last_updated),
        status="completed",
        category=[local_concept("message-template", message.template, message.template)],
        medium=[{"coding": [MEDIA[Channel(message.channel)]]}],
        subject=patient_reference(patient_pk) if patient_pk else None,
        recipient=_recipient(message, patient_pk),
        about=[reference("QuestionnaireResponse", intake_id(intake_pk))] if intake_pk else None,
        sent=message.sent_at,
    )


def _about_intake_id() -> Case:
    """The intake of an "intake:<id>" reference, else None."""
    return Case(
        When(
            about__regex=rf"^{ABOUT_INTAKE}[0-9]{{1,18}}$",
            then=Cast(Substr("about", len(ABOUT_INTAKE) + 1), output_field=BigIntegerField()),
        ),
        default=None,
        output_field=BigIntegerField(),
    )


def rows() -> QuerySet[Message]:
    patient = Intake.objects.filter(pk=OuterRef("fhir_intake_id")).values("patient_id")[:1]
    return (
        Message.objects.filter(status=Message.Status.SENT, sent_at__isnull=False)
        .annotate(fhir_intake_id=_about_intake_id())
        .annotate(
            fhir_patient_id=Subquery(patient, output_field=BigIntegerField()),
            fhir_last_updated=F("sent_at"),
        )
    )


SOURCES = [RowSource(RESOURCE_TYPE, "message", rows, build, patient_lookup="fhir_patient_id")]

"""Communication/message-{id}: each email or text the clinic sent. Never the body text.

Which patient and intake a message is about: the message log's `about` reference
("intake:42", "patient:7") where that field exists, else its patient and intake foreign
keys (the message log is being reshaped; this mapping reads either shape).
"""

from django.db.models import (
    BigIntegerField,
    Case,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Cast, Coalesce, Substr
from fhir.resources.R4B.communication import Communication

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
        recipient=[patient_reference(patient_pk)] if patient_pk else None,
        about=[reference("QuestionnaireResponse", intake_id(intake_pk))] if intake_pk else None,
        sent=message.sent_at,
    )


def _has_field(name: str) -> bool:
    return any(field.name == name for field in Message._meta.get_fields())


def _about_id(prefix: str) -> Case:
    return Case(
        When(
            about__regex=rf"^{prefix}[0-9]{{1,18}}$",
            then=Cast(Substr("about", len(prefix) + 1), output_field=BigIntegerField()),
        ),
        default=None,
        output_field=BigIntegerField(),
    )


def rows() -> QuerySet[Message]:
    sent = Message.objects.filter(status=Message.Status.SENT, sent_at__isnull=False)
    if _has_field("about"):
        intake_pk = _about_id("intake:")
        sent = sent.annotate(fhir_intake_id=intake_pk).annotate(
            fhir_patient_id=Case(
                When(about__regex=r"^patient:[0-9]{1,18}$", then=_about_id("patient:")),
                default=Subquery(
                    Intake.objects.filter(pk=OuterRef("fhir_intake_id")).values("patient_id")[:1],
                    output_field=IntegerField(),
                ),
                output_field=BigIntegerField(),
            )
        )
    else:
        sent = sent.annotate(
            fhir_intake_id=F("intake_id"),
            fhir_patient_id=Coalesce("patient_id", "intake__patient_id"),
        )
    return sent.annotate(fhir_last_updated=F("sent_at"))


SOURCES = [RowSource(RESOURCE_TYPE, "message", rows, build, patient_lookup="fhir_patient_id")]

"""ServiceRequest/referral-{id}: a case flagged for clinicians (urgent, not improving, or a
second opinion booked), with the reason as the reason code and the triage as support."""

from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce, Greatest
from fhir.resources.R4B.servicerequest import ServiceRequest

from fhir_api.mappings.base import RowSource
from fhir_api.mappings.common import intake_id, local_concept, meta, patient_reference, reference
from intake.models import Referral

RESOURCE_TYPE = "ServiceRequest"
STATUSES: dict[str, str] = {
    Referral.Status.OPEN: "active",
    Referral.Status.IN_PROGRESS: "active",
    Referral.Status.CLOSED: "completed",
}
PRIORITIES = {Referral.Reason.URGENT: "urgent"}
SNOMED_REFERRAL = {
    "system": "http://snomed.info/sct",
    "code": "3457005",
    "display": "Patient referral",
}


def build(referral: Referral) -> ServiceRequest:
    return ServiceRequest(
        id=f"referral-{referral.pk}",
        meta=meta(referral.fhir_last_updated),
        status=STATUSES.get(referral.status, "unknown"),
        intent="order",
        priority=PRIORITIES.get(Referral.Reason(referral.reason), "routine"),
        code={"coding": [SNOMED_REFERRAL], "text": "Clinician review of knee pain"},
        subject=patient_reference(referral.fhir_patient_id),
        authoredOn=referral.created_at,
        reasonCode=[
            local_concept("referral-reason", referral.reason, referral.get_reason_display())
        ],
        supportingInfo=[
            reference("QuestionnaireResponse", intake_id(referral.intake_id)),
        ],
    )


def rows() -> QuerySet[Referral]:
    return Referral.objects.annotate(
        fhir_last_updated=Greatest("created_at", Coalesce("handled_at", "created_at")),
        fhir_patient_id=F("intake__patient_id"),
    )


SOURCES = [RowSource(RESOURCE_TYPE, "referral", rows, build, patient_lookup="intake__patient_id")]

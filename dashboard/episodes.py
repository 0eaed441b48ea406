"""Returning patients, for staff only: a patient's earlier episodes and merging two records.

Patients have no accounts, so one person who comes back is a new Patient row. Staff see
the other episodes of the same person on the intake page (never the patient: it is not on
any patient page). The match is on a verified contact: an email or phone (as normalised for
sending) that this episode and the other both confirmed before booking
(referrals.verification), so nobody's episodes are linked by typing another person's email.
A clinician or the front desk makes it one record by merging, which is audited.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q

from clinic.errors import ApplicationError
from dashboard.models import AuditEvent
from dashboard.services import audit_record
from intake.models import Intake, Patient
from referrals.models import Appointment, ContactVerification


class MergeRefused(ApplicationError):
    type = "merge_refused"
    status_code = 409
    default_detail = "These two records cannot be merged."


def _same_verified_contact(patient: Patient) -> Q:
    """Intakes whose confirmed contact is one this patient record confirmed too."""
    confirmed = ContactVerification.objects.filter(
        intake__patient=patient, verified_at__isnull=False
    ).values("address")
    return Q(
        contact_verification__verified_at__isnull=False,
        contact_verification__address__in=confirmed,
    )


@dataclass(frozen=True)
class Episode:
    intake: Intake
    same_record: bool  # already under this patient record (merged, or the same row)


def earlier_episodes(intake: Intake) -> list[Episode]:
    """The person's other intakes, newest first: under this record, or sharing a verified
    contact with it. One query."""
    patient = intake.patient
    others = (
        Intake.objects.filter(_same_verified_contact(patient) | Q(patient=patient))
        .exclude(pk=intake.pk)
        .select_related("patient")
        .order_by("-submitted_at")[:20]
    )
    return [Episode(intake=other, same_record=other.patient_id == patient.pk) for other in others]


def patients_merge(
    *, keep_id: int, merge_id: int, by: Any, ip_address: str | None = None
) -> Patient:
    """Move every intake and appointment of `merge_id` to `keep_id`, delete the merged row,
    and audit it. Only two records of the same email or phone can be merged."""
    if keep_id == merge_id:
        raise MergeRefused("A record cannot be merged into itself.")
    with transaction.atomic():
        # Both rows locked in id order, so two merges of the same pair cannot interleave.
        rows = {
            p.pk: p
            for p in Patient.objects.select_for_update()
            .filter(pk__in=[keep_id, merge_id])
            .order_by("pk")
        }
        if len(rows) != 2:
            raise MergeRefused("One of the records no longer exists.")
        keep, merge = rows[keep_id], rows[merge_id]
        same_email = (
            keep.email.strip() and keep.email.strip().lower() == merge.email.strip().lower()
        )
        same_phone = keep.phone.strip() and keep.phone.strip() == merge.phone.strip()
        if not (same_email or same_phone):
            raise MergeRefused("Only records with the same email or phone can be merged.")
        moved = list(Intake.objects.filter(patient=merge).values_list("pk", flat=True))
        Intake.objects.filter(patient=merge).update(patient=keep)
        Appointment.objects.filter(patient=merge).update(patient=keep)
        merge.delete()
        audit_record(
            actor=by,
            action=AuditEvent.Action.PATIENT_MERGE,
            object_type="patient",
            object_id=keep.pk,
            object_ids=[merge_id, *moved],
            ip_address=ip_address,
        )
    return keep

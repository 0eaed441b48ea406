"""Every write the dashboard makes: staff actions on an intake, resends, and the audit trail.

Each action runs in one transaction that also writes its AuditEvent, so a change without its
audit row (or the reverse) cannot happen. Repeating an action is harmless: an acknowledged
alert stays acknowledged, a closed referral stays closed, a resent message is queued once.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from clinic.errors import ApplicationError
from clinic.messaging.models import Message
from clinic.messaging.tasks import message_send
from clinic.tasking import enqueue
from dashboard.access import ROLE_CAPABILITIES
from dashboard.alert_services import alert_acknowledged
from dashboard.models import Acknowledgement, AuditEvent, Contact, Note, TriageOverride
from intake.models import Intake, Referral, Urgency
from intake.urgent import urgent_case_open


class ActionRefused(ApplicationError):
    """The action does not apply to this record (e.g. acknowledging a non-urgent intake)."""

    type = "action_refused"


def audit_record(
    *,
    actor: Any,
    action: str,
    object_type: str = "",
    object_id: int | None = None,
    object_ids: Iterable[int | str] = (),
    ip_address: str | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Write one audit row: who, what, which record(s), when. Ids only: never health data.

    `actor` is a staff user; a system with no user (a FHIR client) is named by `actor_name`.
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_username=user.get_username() if user else actor_name,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_ids=list(object_ids),
        ip_address=ip_address,
    )


def _locked_intake(intake_id: int) -> Intake:
    return Intake.objects.select_for_update().get(pk=intake_id)


def intake_acknowledge(*, intake_id: int, by: Any) -> Acknowledgement:
    """Record that a clinician has seen an urgent alert; the intake leaves the urgent block."""
    with transaction.atomic():
        intake = _locked_intake(intake_id)
        if intake.urgency != Urgency.URGENT:
            raise ActionRefused("Only urgent intakes raise an alert to acknowledge.")
        existing = Acknowledgement.objects.filter(intake=intake).first()
        if existing is not None:
            return existing
        acknowledgement = Acknowledgement.objects.create(intake=intake, acknowledged_by=by)
        # The alert stops escalating (and its raise is on the trail before its acknowledgement).
        alert_acknowledged(intake=intake, by=by, at=acknowledgement.acknowledged_at)
        if intake.status == Intake.Status.NEW:
            intake.status = Intake.Status.ACKNOWLEDGED
            intake.save(update_fields=["status"])
        audit_record(actor=by, action=AuditEvent.Action.ACKNOWLEDGE, **_target(intake))
    return acknowledgement


def intake_mark_contacted(*, intake_id: int, by: Any, method: str) -> Contact:
    """Record a contact with the patient; the intake moves to `contacted` unless closed."""
    with transaction.atomic():
        intake = _locked_intake(intake_id)
        contact = Contact(intake=intake, method=method, contacted_by=by)
        contact.full_clean()
        contact.save()
        if intake.status != Intake.Status.CLOSED:
            intake.status = Intake.Status.CONTACTED
            intake.save(update_fields=["status"])
        audit_record(actor=by, action=AuditEvent.Action.CONTACT, **_target(intake))
    return contact


def note_add(*, intake_id: int, by: Any, text: str) -> Note:
    with transaction.atomic():
        intake = _locked_intake(intake_id)
        note = Note(intake=intake, text=text.strip(), author=by)
        note.full_clean()
        note.save()
        audit_record(actor=by, action=AuditEvent.Action.NOTE_ADD, **_target(intake))
    return note


def triage_override(
    *, intake_id: int, by: Any, pattern: str = "", urgency: str = "", reason: str
) -> TriageOverride:
    """Put a clinician's pattern and/or urgency beside the patient's outcome, with a reason."""
    with transaction.atomic():
        intake = _locked_intake(intake_id)
        override = TriageOverride(
            intake=intake,
            pattern=pattern,
            urgency=urgency,
            reason=reason.strip(),
            overridden_by=by,
        )
        override.full_clean()
        override.save()
        audit_record(actor=by, action=AuditEvent.Action.OVERRIDE, **_target(intake))
        if urgency == Urgency.URGENT:
            # Section 7: a clinician's "urgent" reaches the automation (route text to the
            # patient, pending follow-up cancelled, alert), like every urgent entrance.
            urgent_case_open(intake=intake, red_flags=[], source="clinician", actor=by)
            audit_record(actor=by, action=AuditEvent.Action.URGENT_MARK, **_target(intake))
    return override


def referral_close(*, referral_id: int, by: Any) -> Referral:
    """Close a referral, recording who closed it and when; closing twice changes nothing."""
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral_id)
        if referral.status == Referral.Status.CLOSED:
            return referral
        referral.status = Referral.Status.CLOSED
        referral.handled_by = by
        referral.handled_at = timezone.now()
        referral.save(update_fields=["status", "handled_by", "handled_at"])
        audit_record(
            actor=by,
            action=AuditEvent.Action.REFERRAL_CLOSE,
            object_type="referral",
            object_id=referral.pk,
        )
    return referral


def message_resend(*, message_id: int, by: Any) -> Message:
    """Put a failed message back in the queue: the same row, so it can never go out twice.

    Only a failed message is re-queued; any other status (queued, sending, sent, skipped)
    is returned unchanged, so a double click or a stale page does nothing. Consent, opt-out
    and quiet hours are checked again by the messaging layer at send time.

    A resend is a fresh start by staff: `attempts` goes back to 0, so the message gets the
    full MESSAGE_MAX_ATTEMPTS again instead of failing for good on one transient error.
    `enqueued_at` is stamped now because this call publishes it; a stale stamp would let
    the every-minute dispatch scan publish it a second time.
    """
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status != Message.Status.FAILED:
            return message
        now = timezone.now()
        message.status = Message.Status.QUEUED
        message.error = ""
        message.attempts = 0
        message.not_before = now
        message.enqueued_at = now
        message.save(update_fields=["status", "error", "attempts", "not_before", "enqueued_at"])
        audit_record(
            actor=by,
            action=AuditEvent.Action.MESSAGE_RESEND,
            object_type="message",
            object_id=message.pk,
        )
        enqueue(message_send, message.pk)
    return message


def staff_groups_sync() -> dict[str, Group]:
    """Create the `clinician` and `front_desk` groups with their capabilities (idempotent).

    The data migration does this on deploy; tests and `seed_demo` call it after a flush.
    """
    groups = {}
    with transaction.atomic():
        for name, capabilities in ROLE_CAPABILITIES.items():
            group, _ = Group.objects.get_or_create(name=name)
            perms = Permission.objects.filter(
                content_type__app_label="dashboard",
                content_type__model="auditevent",
                codename__in=capabilities,
            )
            group.permissions.set(perms)
            groups[name] = group
    return groups


def _target(intake: Intake) -> dict[str, Any]:
    return {"object_type": "intake", "object_id": intake.pk}

"""Urgent alerts on the staff side: audited when raised, escalated to on-call, acknowledged.

The intake app opens the alert (`intake.urgent.urgent_case_open`); it cannot see the
dashboard's audit trail, so the "alert raised" row is written here, by the beat scan that
runs every minute (timed as the alert was raised) or at the acknowledgement, whichever
comes first. The database is the schedule: `alerts_escalate_due` finds alerts nobody has
acknowledged for `URGENT_ALERT_ESCALATE_AFTER` since they were raised or last escalated,
and escalates each to `CLINIC_ONCALL_EMAIL` / `CLINIC_ONCALL_PHONE`, at most
`URGENT_ALERT_MAX_ESCALATIONS` times. Never a Celery countdown or ETA.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clinic.messaging.models import Channel
from clinic.messaging.recipients import Recipient
from clinic.messaging.services import message_queue
from dashboard.models import AuditEvent
from intake.models import Intake, StaffAlert
from intake.recipients import intake_about

logger = logging.getLogger(__name__)

ESCALATION_PURPOSE = "urgent_escalation"


@dataclass
class EscalationResult:
    raised: int = 0  # "alert raised" audit rows written
    escalated: int = 0


def _audit(action: str, alert: StaffAlert, *, at: datetime, actor: Any = None) -> AuditEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_username=user.get_username() if user else "",
        action=action,
        object_type="intake",
        object_id=alert.intake_id,
        at=at,
    )


def _raise_audit(alert: StaffAlert, *, now: datetime) -> bool:
    """Write the alert's "raised" row once (timed when it was raised)."""
    if alert.audited_at is not None:
        return False
    _audit(AuditEvent.Action.ALERT_RAISE, alert, at=alert.created_at)
    alert.audited_at = now
    alert.save(update_fields=["audited_at"])
    return True


def alert_acknowledged(*, intake: Intake, by: Any, at: datetime) -> StaffAlert | None:
    """Stamp the intake's alert as acknowledged (the caller audits the acknowledgement)."""
    alert = StaffAlert.objects.select_for_update().filter(intake=intake).first()
    if alert is None:
        return None  # an urgent intake from before alerts were rows
    _raise_audit(alert, now=at)
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = at, by
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return alert


def _oncall_recipients() -> list[Recipient]:
    recipients = []
    if settings.CLINIC_ONCALL_EMAIL:
        recipients.append(Recipient(channel=Channel.EMAIL, address=settings.CLINIC_ONCALL_EMAIL))
    if settings.CLINIC_ONCALL_PHONE:
        recipients.append(Recipient(channel=Channel.SMS, address=settings.CLINIC_ONCALL_PHONE))
    if not recipients:
        # Nobody on call configured: the triage inbox is told again rather than nobody.
        logger.warning("no CLINIC_ONCALL_EMAIL or CLINIC_ONCALL_PHONE; escalating to triage")
        recipients.append(
            Recipient(channel=Channel.EMAIL, address=settings.CLINIC_STAFF_ALERT_EMAIL)
        )
    return recipients


def _escalate(alert: StaffAlert, *, now: datetime) -> None:
    alert.escalations += 1
    alert.last_escalated_at = now
    alert.save(update_fields=["escalations", "last_escalated_at"])
    context = {
        "intake_id": alert.intake_id,
        "staff_url": settings.SITE_URL + f"/staff/intakes/{alert.intake_id}/",
        "minutes": int((now - alert.created_at).total_seconds() // 60),
        "escalation": alert.escalations,
        "max_escalations": settings.URGENT_ALERT_MAX_ESCALATIONS,
    }
    for recipient in _oncall_recipients():
        message_queue(
            template="urgent_escalation",
            purpose=ESCALATION_PURPOSE,
            idempotency_key=f"alert-{alert.pk}-{alert.escalations}-{recipient.channel}",
            recipient=recipient,
            context=context,
            about=intake_about(alert.intake_id),
            opt_out_link=False,  # the clinic's own alert
        )
    _audit(AuditEvent.Action.ALERT_ESCALATE, alert, at=now)


def alerts_escalate_due(*, now: datetime | None = None, batch_size: int = 100) -> EscalationResult:
    """Beat, every minute: audit new alerts, escalate the overdue unacknowledged ones."""
    now = now or timezone.now()
    wait = settings.URGENT_ALERT_ESCALATE_AFTER
    result = EscalationResult()
    with transaction.atomic():
        unacknowledged = StaffAlert.objects.filter(
            acknowledged_at__isnull=True, intake__acknowledgement__isnull=True
        )
        for alert in (
            StaffAlert.objects.filter(audited_at__isnull=True)
            .select_for_update(skip_locked=True)
            .order_by("pk")[:batch_size]
        ):
            result.raised += _raise_audit(alert, now=now)
        due = (
            unacknowledged.filter(escalations__lt=settings.URGENT_ALERT_MAX_ESCALATIONS)
            .filter(
                Q(last_escalated_at__isnull=True, created_at__lte=now - wait)
                | Q(last_escalated_at__lte=now - wait)
            )
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("created_at")[:batch_size]
        )
        for alert in due:
            _escalate(alert, now=now)
            result.escalated += 1
    return result

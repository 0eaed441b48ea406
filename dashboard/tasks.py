"""Thin Celery tasks of the staff side (beat, each minute): the urgent alerts' escalation
scan, and the drain that keeps the triage quality summary current."""

from celery import shared_task

from dashboard.alert_services import alerts_escalate_due as escalate
from dashboard.quality_services import quality_summary_drain as drain


@shared_task(name="dashboard.alerts_escalate_due")
def alerts_escalate_due() -> dict[str, int]:
    return vars(escalate())


@shared_task(name="dashboard.quality_summary_drain")
def quality_summary_drain() -> int:
    """Recount the quality summary of the intakes written since the last drain (beat)."""
    return drain()

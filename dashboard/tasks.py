"""Thin Celery tasks of the staff side: the urgent alerts' escalation scan (beat, each minute)."""

from celery import shared_task

from dashboard.alert_services import alerts_escalate_due as escalate


@shared_task(name="dashboard.alerts_escalate_due")
def alerts_escalate_due() -> dict[str, int]:
    return vars(escalate())

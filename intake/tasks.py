"""Thin Celery tasks for the patient's episode: the follow-up scan that beat runs every minute."""

from celery import shared_task

from clinic.tasking import enqueue
from intake import followups

# Well inside the task's soft time limit (CELERY_TASK_SOFT_TIME_LIMIT).
SCAN_BUDGET_SECONDS = 30


@shared_task(name="intake.followups_send_due")
def followups_send_due() -> dict[str, int]:
    result = followups.followups_send_due(budget=SCAN_BUDGET_SECONDS)
    if result.more:  # a backlog (say, after an outage): carry on at once, not in a minute
        enqueue(followups_send_due)
    return vars(result)

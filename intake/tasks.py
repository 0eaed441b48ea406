"""Thin Celery tasks for the patient's episode: the follow-up scan that beat runs every minute."""

from celery import shared_task

from intake import followups


@shared_task(name="intake.followups_send_due")
def followups_send_due() -> dict[str, int]:
    result = followups.followups_send_due()
    return vars(result)

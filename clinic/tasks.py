"""Project-wide Celery tasks."""

from celery import shared_task


@shared_task(name="clinic.ping", ignore_result=False)
def ping() -> str:
    """A no-op with a result: a worker liveness check, and the yardstick of one Celery round
    trip in bench/followups_bench.py."""
    return "pong"

"""Thin Celery tasks for advice sheets: take ids, call intake.advice.

Registered through CELERY_IMPORTS (autodiscovery only imports `tasks.py`). The services are
imported inside each task because intake.services enqueues these tasks, and intake.advice
imports intake.services: a top-level import would be circular.
"""

from celery import shared_task

from clinic.tasking import enqueue


@shared_task(name="intake.advice_sheet_render")
def advice_sheet_render(outcome_id: int) -> None:
    from intake.advice import advice_sheet_render as render

    render(outcome_id=outcome_id)


@shared_task(name="intake.advice_sheets_render_missing")
def advice_sheets_render_missing() -> None:
    """Beat: find recent outcomes with no stored sheet and queue one render task each."""
    from intake.advice import advice_sheets_missing

    for outcome_id in advice_sheets_missing():
        enqueue(advice_sheet_render, outcome_id)

"""Thin Celery tasks for the patient's episode: advice sheets, "your plan", the follow-up scan.

Each task takes ids and calls its service. The services are imported inside the tasks:
intake.services enqueues these tasks, and the advice and follow-up services build on it,
so a top-level import would be circular (the one lazy import the layers allow).
"""

import logging
from collections.abc import Callable

from celery import shared_task

from clinic.tasking import enqueue

logger = logging.getLogger(__name__)

# Well inside the task's soft time limit (CELERY_TASK_SOFT_TIME_LIMIT).
SCAN_BUDGET_SECONDS = 30


@shared_task(name="intake.followups_send_due")
def followups_send_due() -> dict[str, int]:
    from intake import follow_ups

    result = follow_ups.followups_send_due(budget=SCAN_BUDGET_SECONDS)
    if result.more:  # a backlog (say, after an outage): carry on at once, not in a minute
        enqueue(followups_send_due)
    return vars(result)


@shared_task(name="intake.advice_sheet_render", batch_task="intake.advice_sheets_render")
def advice_sheet_render(outcome_id: int) -> None:
    from intake.advice import advice_sheet_render as render

    render(outcome_id=outcome_id)


@shared_task(name="intake.advice_sheets_render")
def advice_sheets_render(outcome_ids: list[int]) -> None:
    from intake.advice import advice_sheet_render as render

    _each(outcome_ids, lambda pk: render(outcome_id=pk))


@shared_task(name="intake.plan_send", batch_task="intake.plans_send")
def plan_send(intake_id: int) -> None:
    """After an intake commits: store its advice sheet, then send "your plan" linking to it."""
    from intake.follow_ups import plan_send as send

    send(intake_id=intake_id)


@shared_task(name="intake.plans_send")
def plans_send(intake_ids: list[int]) -> None:
    from intake.follow_ups import plan_send as send

    _each(intake_ids, lambda pk: send(intake_id=pk))


def _each(ids: list[int], work: Callable[[int], object]) -> None:
    """A batch task's loop: one failure is logged (ids only) and the rest still run."""
    for pk in ids:
        try:
            work(pk)
        except Exception:
            logger.exception("batch item %s failed; the beat scan will find it again", pk)


@shared_task(name="intake.advice_sheets_render_missing")
def advice_sheets_render_missing() -> None:
    """Beat: find recent outcomes with no stored sheet and queue one render task each."""
    from intake.advice import advice_sheets_missing

    for outcome_id in advice_sheets_missing():
        enqueue(advice_sheet_render, outcome_id)

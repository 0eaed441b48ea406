"""Enqueueing Celery work after commit without ever making a request wait on the broker.

The database is the schedule; the broker is only a wake-up. If Redis is stopped or frozen,
`enqueue` logs and returns: the beat scans find the work again once the broker is back.
"""

import logging
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task: Task, *args: Any) -> None:
    """Send `task(*args)` once the surrounding transaction commits. Args must be ids."""
    transaction.on_commit(lambda: _publish(task, args))


def _publish(task: Task, args: tuple[Any, ...]) -> None:
    try:
        task.apply_async(args=args, retry=False)
    except Exception:  # the broker is down; a beat scan will pick the work up
        logger.warning("could not enqueue %s; the periodic scan will retry", task.name)

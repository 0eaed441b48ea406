"""Enqueueing Celery work after commit without ever making a request wait on the broker.

The database is the schedule; the broker is only a wake-up. `enqueue` registers an
on_commit hook that hands (task, ids) to one background publisher thread per process, so a
stopped or frozen Redis costs a request nothing. Whatever cannot be published (broker
down, queue full, process killed) is found again by the periodic beat scans, which look at
the rows themselves.

Publishing a Celery message costs more CPU than a whole simple request, so the publisher
batches: it lingers a moment (LINGER_SECONDS) to gather what is pending, and a task that
names a `batch_task` (one that takes a list of ids) is sent once for the lot. A lone id is
sent to the single task as usual. The worker then does the work without a task per item.
"""

import logging
import queue
import threading
import time
from collections import defaultdict
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)

_MAX_PENDING = 10_000
LINGER_SECONDS = 0.25  # what a patient's "your plan" message waits, at most, to be batched
BATCH_MAX = 200
_pending: queue.Queue[tuple[Task, tuple[Any, ...]]] = queue.Queue(maxsize=_MAX_PENDING)
_publisher_lock = threading.Lock()
_publisher: threading.Thread | None = None


def enqueue(task: Task, *args: Any) -> None:
    """Send `task(*args)` once the surrounding transaction commits. Args must be ids."""
    transaction.on_commit(lambda: _hand_over(task, args))


def _hand_over(task: Task, args: tuple[Any, ...]) -> None:
    if task.app.conf.task_always_eager:
        # Tests and one-off scripts: run inline, so results are visible at once.
        task.apply(args=args)
        return
    try:
        _pending.put_nowait((task, args))
    except queue.Full:
        logger.warning("publish queue full; %s left to the periodic scan", task.name)
        return
    _ensure_publisher()


def _ensure_publisher() -> None:
    global _publisher
    if _publisher is not None and _publisher.is_alive():
        return
    with _publisher_lock:
        if _publisher is None or not _publisher.is_alive():
            _publisher = threading.Thread(target=_publish_forever, name="stride-publisher")
            _publisher.daemon = True
            _publisher.start()


def _publish_forever() -> None:
    while True:
        batch = [_pending.get()]
        deadline = time.monotonic() + LINGER_SECONDS
        while len(batch) < BATCH_MAX:
            try:
                batch.append(_pending.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                break
        try:
            _publish(batch)
        finally:
            for _ in batch:
                _pending.task_done()


def _publish(batch: list[tuple[Task, tuple[Any, ...]]]) -> None:
    calls: dict[Task, list[tuple[Any, ...]]] = defaultdict(list)
    for task, args in batch:
        calls[task].append(args)
    for task, arg_lists in calls.items():
        batch_name = getattr(task, "batch_task", None)
        if batch_name and len(arg_lists) > 1:
            ids = [args[0] for args in arg_lists]
            _send(task.app.tasks[batch_name], (ids,))
        else:
            for args in arg_lists:
                _send(task, args)


def _send(task: Task, args: tuple[Any, ...]) -> None:
    try:
        task.apply_async(args=args, retry=False)
    except Exception:  # the broker is down or frozen: the beat scans will find the rows
        logger.warning("could not enqueue %s; the periodic scan will retry", task.name)


def wait_for_publisher(timeout: float = 5.0) -> bool:
    """Block until everything handed over so far was published (for tests and commands)."""
    done = threading.Event()

    def join() -> None:
        _pending.join()
        done.set()

    threading.Thread(target=join, daemon=True).start()
    return done.wait(timeout)

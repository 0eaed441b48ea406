"""Enqueueing after commit never blocks a request, even with the broker gone."""

import time

import pytest
from celery import shared_task

from clinic import tasking
from clinic.celery import app

calls: list[int] = []


@shared_task(name="tests.record_call")
def record_call(value: int) -> None:
    calls.append(value)


@pytest.mark.django_db
def test_it_runs_inline_in_eager_mode_after_commit(django_capture_on_commit_callbacks):
    calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tasking.enqueue(record_call, 7)
        assert calls == []  # nothing before the commit
    assert calls == [7]


@pytest.mark.django_db
def test_it_returns_at_once_when_the_broker_is_frozen(
    django_capture_on_commit_callbacks, monkeypatch
):
    published: list[tuple] = []

    def frozen_publish(args, retry):  # a SIGSTOPped Redis: every publish hangs a while
        time.sleep(0.4)
        published.append(args)

    monkeypatch.setattr(record_call, "apply_async", frozen_publish)
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            for value in range(3):
                tasking.enqueue(record_call, value)
        elapsed = time.monotonic() - started
        assert tasking.wait_for_publisher(timeout=10)
    finally:
        app.conf.task_always_eager = previous
    assert elapsed < 0.3
    assert published == [(0,), (1,), (2,)]


@pytest.mark.django_db
def test_a_failed_publish_does_not_stop_the_next_one(
    django_capture_on_commit_callbacks, monkeypatch
):
    published: list[tuple] = []

    def flaky_publish(args, retry):
        if args == (0,):
            raise ConnectionError("broker down")
        published.append(args)

    monkeypatch.setattr(record_call, "apply_async", flaky_publish)
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with django_capture_on_commit_callbacks(execute=True):
            tasking.enqueue(record_call, 0)
            tasking.enqueue(record_call, 1)
        assert tasking.wait_for_publisher(timeout=10)
    finally:
        app.conf.task_always_eager = previous
    assert published == [(1,)]


batches: list[list[int]] = []


@shared_task(name="tests.record_batch")
def record_batch(values: list[int]) -> None:
    batches.append(values)


@shared_task(name="tests.record_one", batch_task="tests.record_batch")
def record_one(value: int) -> None:
    calls.append(value)


@pytest.fixture
def not_eager():
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


def _publish_for_real_with(monkeypatch, *tasks) -> list[tuple[str, tuple]]:
    """Record what the publisher sends instead of sending it (name, args)."""
    sent: list[tuple[str, tuple]] = []
    for task in tasks:
        monkeypatch.setattr(
            task, "apply_async", lambda args, retry, name=task.name: sent.append((name, args))
        )
    return sent


@pytest.mark.django_db
def test_ids_enqueued_together_go_out_as_one_batch_task(
    django_capture_on_commit_callbacks, monkeypatch, not_eager
):
    sent = _publish_for_real_with(monkeypatch, record_one, record_batch, record_call)
    with django_capture_on_commit_callbacks(execute=True):
        for value in (1, 2, 3):
            tasking.enqueue(record_one, value)
        tasking.enqueue(record_call, 9)  # no batch form: sent on its own
    assert tasking.wait_for_publisher(timeout=10)
    assert sorted(sent) == [("tests.record_batch", ([1, 2, 3],)), ("tests.record_call", (9,))]


@pytest.mark.django_db
def test_a_lone_id_goes_to_the_single_task(
    django_capture_on_commit_callbacks, monkeypatch, not_eager
):
    sent = _publish_for_real_with(monkeypatch, record_one, record_batch)
    with django_capture_on_commit_callbacks(execute=True):
        tasking.enqueue(record_one, 5)
    assert tasking.wait_for_publisher(timeout=10)
    assert sent == [("tests.record_one", (5,))]


def test_every_batch_task_named_by_a_task_exists_and_takes_a_list():
    import inspect

    named = {t.name: t.batch_task for t in app.tasks.values() if getattr(t, "batch_task", None)}
    assert {"messaging.message_send", "intake.plan_send", "intake.advice_sheet_render"} <= set(
        named
    )
    for batch_name in named.values():
        (parameter,) = inspect.signature(app.tasks[batch_name].run).parameters.values()
        assert parameter.annotation == list[int], batch_name

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

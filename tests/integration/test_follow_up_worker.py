"""The week-later check-in with the real things: a Celery worker, Redis and PostgreSQL.

Texts go through `FileSmsBackend`, so the tests count real sends per idempotency key across
processes. Each test is bounded: every wait has a timeout.
"""

import json
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from bench import followups_bench, harness
from clinic.messaging.models import Message
from intake.models import FollowUp, Intake, TriageOutcome
from intake.services import intake_submit
from tests.support import factories
from tests.support.worker_stack import Sends, Stack, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


def sms_patient(**overrides) -> dict:
    return factories.patient(channel="sms", timezone=harness.daytime_zone(), **overrides)


def post_intake(client, **answers) -> dict:
    body = {"patient": sms_patient(), "answers": factories.answers(**answers)}
    response = client.post(
        "/api/v1/intakes/", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def week_later(intake_id: int) -> str:
    due = FollowUp.objects.get(intake_id=intake_id).due_at
    return (due + timedelta(minutes=1)).isoformat()


def minutes_later(minutes: int) -> str:
    return (timezone.now() + timedelta(minutes=minutes)).isoformat()


def sent(purpose: str) -> int:
    return Message.objects.filter(purpose=purpose, status="sent").count()


def test_intake_then_a_week_later_sends_exactly_one_check_in(client, stack: Stack, sends: Sends):
    stack.worker()
    created = post_intake(client)
    intake_id = created["id"]
    assert wait_for(lambda: sent("intake_plan") == 1, timeout=30), stack.logs()

    out = stack.manage("send_due_followups", "--now", week_later(intake_id))
    assert "follow-ups sent: 1" in out
    assert wait_for(lambda: sent("follow_up") == 1, timeout=30), stack.logs()
    # The scan run again, at the same or a later time, sends nothing more.
    stack.manage("send_due_followups", "--now", week_later(intake_id))
    message = Message.objects.get(purpose="follow_up")
    assert message.provider_id.startswith("file-")
    assert wait_for(lambda: False, timeout=1.5) is False  # let any duplicate surface
    key = f"followup-{FollowUp.objects.get(intake_id=intake_id).pk}"
    assert sends.delivered()[key] == 1
    assert sends.calls()[key] == 1
    assert sends.delivered()[f"intake-{intake_id}"] == 1
    assert Message.objects.filter(purpose="follow_up").count() == 1


def test_intakes_submitted_while_redis_is_stopped_get_everything_once_it_is_back(
    client, stack: Stack, sends: Sends, private_redis, caplog, settings
):
    """Plan, advice sheets, the staff alert and the follow-up all go out after the outage."""
    from django.core.files.storage import default_storage

    from clinic.celery import app
    from clinic.messaging.tasks import messages_send_due
    from clinic.tasking import wait_for_publisher
    from intake.advice import advice_sheet_key
    from intake.tasks import advice_sheets_render_missing

    # This process and the worker use a Redis of this test's own, as broker and cache.
    previous_broker = app.conf.broker_url
    _point_broker(app, private_redis.url)
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": private_redis.url}}
    stack.env.update({"CELERY_BROKER_URL": private_redis.url, "REDIS_URL": private_redis.url})
    stack.env["MEDIA_ROOT"] = str(settings.MEDIA_ROOT)  # the worker stores sheets where we look
    try:
        private_redis.stop()
        started = timezone.now()
        created = post_intake(client)
        urgent = post_intake(client, red_flags=["calf_swelling_pain"])
        assert timezone.now() - started < timedelta(seconds=10)
        assert wait_for_publisher(timeout=15)
        assert "could not enqueue intake.plan_send" in caplog.text
        intake_id = created["id"]
        assert Intake.objects.filter(pk=intake_id).exists()
        assert FollowUp.objects.get(intake_id=intake_id).status == "scheduled"
        # The "your plan" task was lost with Redis; nothing of it was written yet.
        assert not Message.objects.filter(purpose="intake_plan").exists()

        private_redis.start()
        stack.worker()
        # Beat's follow-up scan (every minute; run here by hand, a few minutes on) finds the
        # intake whose plan was never queued, and the worker sends it.
        out = stack.manage("send_due_followups", "--now", minutes_later(3))
        assert "plans: 1" in out
        assert wait_for(lambda: sent("intake_plan") == 1, timeout=30), stack.logs()
        # Beat's other two scans find the urgent case's alert and sheet. The outage lasted a
        # few minutes: the sheet scan leaves alone an outcome whose task may be on its way.
        TriageOutcome.objects.update(created_at=F("created_at") - timedelta(minutes=3))
        outcomes = [Intake.objects.get(pk=i).outcome for i in (intake_id, urgent["id"])]

        def alert_and_sheets_out() -> bool:
            messages_send_due.delay()
            advice_sheets_render_missing.delay()
            return wait_for(
                lambda: (
                    sent("staff_urgent_alert") == 1
                    and all(default_storage.exists(advice_sheet_key(o)) for o in outcomes)
                ),
                timeout=3,
            )

        assert wait_for(alert_and_sheets_out, timeout=60, every=0), stack.logs()

        stack.manage("send_due_followups", "--now", week_later(intake_id))
        assert wait_for(lambda: sent("follow_up") == 1, timeout=30), stack.logs()
        key = f"followup-{FollowUp.objects.get(intake_id=intake_id).pk}"
        assert sends.delivered()[key] == 1
        assert sends.delivered()[f"intake-{intake_id}"] == 1
    finally:
        _point_broker(app, previous_broker)


def _point_broker(app, url: str) -> None:
    """Re-point this process's Celery app; kombu keeps one pool per URL, left open."""
    app.conf.broker_url = app.conf.broker_write_url = app.conf.broker_read_url = url
    app._pool = None
    app.amqp._producer_pool = None


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    stack: Stack, sends: Sends
):
    count = 200
    _due_follow_ups_make(count)
    from clinic.celery import app
    from clinic.messaging.tasks import messages_send_due
    from clinic.tasking import wait_for_publisher
    from intake.tasks import followups_send_due

    # Only the follow-ups matter here: drop the "your plan" task (once it has been handed to
    # the broker) and any plan text.
    assert wait_for_publisher(timeout=10)
    app.control.purge()
    Message.objects.filter(purpose="intake_plan").delete()
    assert FollowUp.objects.filter(status="scheduled", due_at__lte=timezone.now()).count() == count

    stack.env["SMS_FILE_LATENCY_MS"] = "15"
    first = stack.worker(concurrency=2)
    followups_send_due.delay()  # what beat sends every minute

    def mid_send() -> bool:
        # Kill while a text is with the provider: the hardest moment to lose or repeat one.
        return sent("follow_up") >= 30 and Message.objects.filter(status="sending").exists()

    assert wait_for(mid_send, timeout=40, every=0.005), stack.logs()
    Stack.kill(first)  # SIGKILL, the whole process group, mid-batch
    at_kill = sent("follow_up")
    assert 0 < at_kill < count, "the worker finished before it could be killed"

    stack.worker(concurrency=2)

    def all_sent() -> bool:
        # Beat's two scans, every few seconds here instead of every minute.
        followups_send_due.delay()
        messages_send_due.delay()
        return wait_for(lambda: sent("follow_up") == count, timeout=2)

    assert wait_for(all_sent, timeout=60, every=0), _state()

    keys = {f"followup-{pk}" for pk in FollowUp.objects.values_list("pk", flat=True)}
    delivered, calls = sends.delivered(), sends.calls()
    assert set(delivered) == keys
    assert all(delivered[key] == 1 for key in keys), "a text was delivered twice"
    # Only the texts in flight at the kill may have reached the provider a second time.
    repeated = [key for key in keys if calls[key] > 1]
    print(f"killed with {at_kill}/{count} sent; provider called twice for {len(repeated)}")
    assert len(repeated) <= 2, repeated
    assert Message.objects.filter(purpose="follow_up").count() == count
    assert FollowUp.objects.filter(status="sent").count() == count


def _due_follow_ups_make(count: int) -> None:
    """One intake through the real service, then `count - 1` more in bulk, all due now."""
    week_ago = timezone.now() - timedelta(days=7, minutes=1)
    intake_submit(patient=sms_patient(), answers=factories.answers(), now=week_ago)
    followups_bench.due_follow_ups_make(count - 1)  # the benchmark's own bulk maker


def _state() -> str:
    rows = Message.objects.exclude(status="sent").values_list(
        "pk", "status", "not_before", "enqueued_at", "attempted_at", "attempts", "error"
    )
    return f"now={timezone.now()} unsent={list(rows)[:10]}"

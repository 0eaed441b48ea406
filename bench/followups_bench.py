"""10,000 due follow-ups dispatched through a real Celery worker, against a no-op round trip.

One run, one worker (prefork, 2 processes, as on this machine's 2 cores), PostgreSQL and
Redis. First the yardstick: a no-op task (`clinic.ping`) sent and its result awaited, one
after another. Then the beat scan is sent once, with 10,000 follow-ups due: it claims them
in batches, writes their messages, and the publisher hands the messages to the worker in
batches (`messaging.messages_send`). The clock stops when the last text is marked sent.
Goal: the cost per message (elapsed / count) is below one no-op round trip, i.e. batching
beats one task per message. Texts go to FileSmsBackend (a provider that answers at once).
"""

import os
import shutil
import statistics
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import harness

ROUND_TRIPS = 200


def _env() -> dict[str, str]:
    broker = harness.BENCH_REDIS.rsplit("/", 1)[0]
    return harness.bench_env(
        SMS_BACKEND="clinic.messaging.sms.FileSmsBackend",
        SMS_FILE_PATH=str(harness.ROOT / "var" / "bench" / "sms"),
        CELERY_RESULT_BACKEND=f"{broker}/14",
        CELERY_TASK_ALWAYS_EAGER="false",
    )


# Long on purpose: one bulk_create per table in foreign-key order, read top to bottom.
def due_follow_ups_make(count: int) -> None:
    """`count` consenting SMS patients whose follow-up fell due a minute ago (bulk)."""
    from intake.models import FollowUp, Intake, Patient, Pattern, Urgency
    from tests.support import factories

    now = datetime.now(tz=UTC)
    submitted = now - timedelta(days=7, minutes=1)
    answers = factories.answers()
    patients = Patient.objects.bulk_create(
        [
            Patient(
                name=f"Runner {n}",
                phone=f"+1303{n:07d}",
                channel="sms",
                timezone=harness.daytime_zone(),
                consent_follow_up=True,
                created_at=submitted,
            )
            for n in range(count)
        ],
        batch_size=1000,
    )
    intakes = Intake.objects.bulk_create(
        [
            Intake(
                patient=p,
                answers=answers,
                **Intake.answer_columns(answers),
                urgency=Urgency.SELF_CARE,
                pattern=Pattern.RUNNERS_KNEE,
                submitted_at=submitted,
            )
            for p in patients
        ],
        batch_size=1000,
    )
    FollowUp.objects.bulk_create(
        [
            FollowUp(intake=i, channel="sms", due_at=now - timedelta(minutes=1), created_at=now)
            for i in intakes
        ],
        batch_size=1000,
    )


def _worker(env: dict[str, str]) -> subprocess.Popen:
    folder = harness.ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    log = open(folder / "worker.log", "w")  # noqa: SIM115
    return subprocess.Popen(
        harness.celery_worker_argv("--loglevel=WARNING", "--concurrency=2", "--pool=prefork"),
        cwd=harness.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _round_trips(count: int) -> list[float]:
    from clinic.tasks import ping

    samples = []
    for _ in range(count):
        started = time.perf_counter()
        assert ping.delay().get(timeout=30) == "pong"
        samples.append(time.perf_counter() - started)
    return samples


def _wait_all_sent(count: int, timeout: float) -> float:
    from clinic.messaging.models import Message

    started = time.perf_counter()
    deadline = started + timeout
    while time.perf_counter() < deadline:
        if Message.objects.filter(purpose="follow_up", status="sent").count() >= count:
            return time.perf_counter() - started
        time.sleep(0.1)
    raise RuntimeError(f"not all {count} follow-ups were sent within {timeout} s")


# Long on purpose: one benchmark scenario (set up, measure, report), read top to bottom.
def run(quick: bool = False) -> dict:
    count = 1_000 if quick else 10_000
    env = _env()
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    harness.reset_database()
    shutil.rmtree(env["SMS_FILE_PATH"], ignore_errors=True)
    import django

    django.setup()
    from django.db import connection

    from clinic.celery import app
    from clinic.messaging.models import Message
    from intake.tasks import followups_send_due

    app.control.purge()
    due_follow_ups_make(count)
    connection.close()
    worker = _worker(env)
    try:
        _round_trips(20)  # the worker is up and warm
        trips = _round_trips(ROUND_TRIPS)
        started = time.perf_counter()
        followups_send_due.delay()
        _wait_all_sent(count, timeout=1800)
        elapsed = time.perf_counter() - started
    finally:
        harness.stop(worker, timeout=30)
    sent = Message.objects.filter(purpose="follow_up", status="sent").count()
    delivered = len((Path(env["SMS_FILE_PATH"]) / "delivered.jsonl").read_text().splitlines())
    round_trip = statistics.fmean(trips)
    per_message = elapsed / count
    ratio = per_message / round_trip
    once = sent == count and delivered == count
    return {
        "name": "followups",
        "figures": [
            {
                "figure": f"{count:,} due follow-ups: cost per message / no-op task round trip",
                "value": round(ratio, 3),
                "goal": "< 1",
                "met": ratio < 1 and once,
                "detail": f"{per_message * 1000:.2f} ms per message "
                f"({count:,} in {elapsed:.1f} s) against a {round_trip * 1000:.2f} ms "
                f"round trip (mean of {ROUND_TRIPS}); each sent once: {once}",
            },
            {
                "figure": "messages per second through the worker",
                "value": round(count / elapsed, 1),
                "goal": "reported",
                "met": once,
            },
        ],
        "raw": {
            "count": count,
            "elapsed_s": round(elapsed, 2),
            "per_message_ms": round(per_message * 1000, 3),
            "round_trip_ms": {
                "mean": round(round_trip * 1000, 3),
                "p50": round(statistics.median(trips) * 1000, 3),
                "p99": round(sorted(trips)[int(len(trips) * 0.99) - 1] * 1000, 3),
            },
            "sent": sent,
            "delivered_by_provider": delivered,
            "worker": "prefork, concurrency 2",
        },
    }

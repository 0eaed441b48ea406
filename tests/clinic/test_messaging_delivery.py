"""Sending properly: the suppression list at send time, retries, failure, fallback, idempotency."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from clinic.messaging import services
from clinic.messaging.models import Message, Suppression
from clinic.messaging.recipients import Recipient
from clinic.messaging.services import (
    message_queue,
    message_retry_delay,
    message_send,
    messages_send_due,
)
from clinic.messaging.sms import FileSmsBackend, SmsError, outbox
from clinic.messaging.suppressions import opt_out_url, suppression_add
from clinic.messaging.tasks import message_send as message_send_task
from intake.recipients import patient_recipient
from tests.support.factories import patient_row

pytestmark = pytest.mark.django_db
DAYTIME = "2026-06-10T12:00:00+00:00"  # 13:00 in London


@pytest.fixture(autouse=True)
def _daytime():
    with time_machine.travel(DAYTIME, tick=False):
        yield


def _queue(patient, *, channel="sms", key="k", unprompted=True, purpose="test") -> Message:
    return message_queue(
        template="message_fallback" if channel == "email" else "sms_opt_in_confirm",
        purpose=purpose,
        idempotency_key=key,
        recipient=patient_recipient(patient, channel=channel),
        context={"text": "Hello"},
        about="intake:1",
        unprompted=unprompted,
    )


class FlakySms:
    """A provider that fails the first `failures` calls, transiently or for good."""

    failures = 0
    permanent = False
    calls = 0

    def send(self, *, to, body, idempotency_key=""):
        FlakySms.calls += 1
        if FlakySms.calls <= FlakySms.failures:
            raise SmsError("provider answered 503", permanent=FlakySms.permanent)
        return f"flaky-{FlakySms.calls}"


@pytest.fixture
def flaky(settings):
    settings.SMS_BACKEND = "tests.clinic.test_messaging_delivery.FlakySms"
    FlakySms.failures, FlakySms.permanent, FlakySms.calls = 0, False, 0
    return FlakySms


def test_a_task_run_twice_sends_once():
    message = _queue(patient_row())
    message_send_task(message.pk)
    message_send_task(message.pk)
    assert len(outbox.messages) == 1
    message.refresh_from_db()
    assert message.status == "sent"
    assert message.attempts == 1
    assert message.provider_id == "rec-1"


def test_queueing_twice_with_one_key_records_one_message():
    patient = patient_row()
    assert _queue(patient).pk == _queue(patient).pk
    assert Message.objects.count() == 1


def test_an_opted_out_patient_gets_nothing_even_if_queued_before():
    patient = patient_row()
    message = _queue(patient, unprompted=False)
    suppression_add(channel="sms", address=patient.phone, source="staff")
    message = message_send(message_id=message.pk)
    assert message.status == "skipped"
    assert message.error == "recipient opted out"
    assert outbox.messages == []


def test_a_message_to_the_clinic_is_not_held_by_patient_rules():
    message = message_queue(
        template="staff_urgent_alert",
        purpose="staff_urgent_alert",
        idempotency_key="intake-1",
        recipient=Recipient(channel="email", address="triage@clinic.example"),
        context={"intake_id": 1, "staff_url": "http://x/"},
        unprompted=True,
        opt_out_link=False,
    )
    assert message_send(message_id=message.pk).status == "sent"
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers
    assert "stop all messages" not in mail.outbox[0].body.lower()


def test_a_transient_provider_error_is_retried_later_with_backoff(flaky):
    flaky.failures = 1
    message = _queue(patient_row())
    message = message_send(message_id=message.pk)
    assert message.status == "queued"
    assert message.attempts == 1
    wait = message.not_before - timezone.now()
    assert timedelta(seconds=15) <= wait <= timedelta(seconds=30)
    # Not before its time…
    assert message_send(message_id=message.pk).status == "queued"
    assert flaky.calls == 1
    # …then it goes.
    with time_machine.travel(message.not_before, tick=False):
        assert message_send(message_id=message.pk).status == "sent"
    assert flaky.calls == 2


def test_the_backoff_doubles_with_jitter_and_is_capped_at_a_few_minutes(settings):
    settings.MESSAGE_RETRY_BASE_SECONDS = 30
    settings.MESSAGE_RETRY_MAX_SECONDS = 300
    for attempts, ceiling in [(1, 30), (2, 60), (3, 120), (4, 240), (5, 300), (9, 300)]:
        delays = {message_retry_delay(attempts).total_seconds() for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jitter: not all retries land at once


def test_a_message_that_keeps_failing_is_failed_after_the_last_attempt(flaky, settings):
    settings.MESSAGE_MAX_ATTEMPTS = 3
    flaky.failures = 99
    patient = patient_row(email="")
    message = _queue(patient)
    for _ in range(3):
        with time_machine.travel(Message.objects.get(pk=message.pk).not_before, tick=False):
            message = message_send(message_id=message.pk)
    assert message.status == "failed"
    assert message.attempts == 3
    assert flaky.calls == 3
    assert Message.objects.count() == 1  # no email to fall back to


def test_a_permanent_failure_falls_back_to_email_when_the_patient_has_one(flaky):
    flaky.failures, flaky.permanent = 1, True
    patient = patient_row()
    message = _queue(patient, key="followup-7", unprompted=False)
    message = message_send(message_id=message.pk)
    assert message.status == "failed"
    fallback = Message.objects.get(channel="email")
    assert fallback.recipient == "sam@example.com"
    assert fallback.idempotency_key == "followup-7:email-fallback"
    message_send(message_id=fallback.pk)
    assert len(mail.outbox) == 1
    assert "could not reach you by text" in mail.outbox[0].body
    assert message.body_text in mail.outbox[0].body


def test_every_patient_email_carries_a_working_opt_out(client):
    patient = patient_row(channel="email")
    message = _queue(patient, channel="email", unprompted=False)
    message_send(message_id=message.pk)
    sent = mail.outbox[0]
    url = sent.extra_headers["List-Unsubscribe"].strip("<>")
    assert url in sent.body
    assert url in sent.alternatives[0][0]
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = url.removeprefix("http://testserver")
    # Opening the link (a mail scanner does) changes nothing.
    response = client.get(path)
    assert response.status_code == 200
    assert b"Stop all messages" in response.content
    assert not Suppression.objects.exists()
    # The button (or the mail client's one-click POST) opts out.
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    suppression = Suppression.objects.get()
    assert (suppression.channel, suppression.address) == ("email", "sam@example.com")
    assert suppression.source == "email_link"


def test_the_opt_out_link_covers_every_record_with_that_email(client):
    first = patient_row(channel="email")
    second = patient_row(channel="email", email="SAM@example.com")
    other = patient_row(channel="email", email="someone@example.com")
    message = _queue(first, channel="email", unprompted=False)
    client.post(opt_out_url(message.pk).removeprefix("http://testserver"))
    for patient, key in ((second, "s"), (other, "o")):
        message_send(message_id=_queue(patient, channel="email", key=key, unprompted=False).pk)
    assert [sent.to for sent in mail.outbox] == [["someone@example.com"]]


def test_a_tampered_opt_out_link_is_refused_and_changes_nothing(client):
    message = _queue(patient_row(channel="email"), channel="email")
    url = opt_out_url(message.pk).removeprefix("http://testserver")
    response = client.post(url[:-3] + "xx/")
    assert response.status_code == 404
    assert not Suppression.objects.exists()


def test_the_send_due_scan_republishes_a_message_the_broker_lost(
    django_capture_on_commit_callbacks,
):
    message = _queue(patient_row())  # its on-commit publish never ran: as if Redis lost it
    assert messages_send_due() == 0  # published too recently to count as lost
    later = timezone.now() + timedelta(minutes=3)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert messages_send_due() == 1
    message.refresh_from_db()
    assert message.status == "sent"
    assert len(outbox.messages) == 1


def test_the_dispatch_scan_sends_a_deferred_message_once_its_time_comes(
    django_capture_on_commit_callbacks,
):
    patient = patient_row()
    with time_machine.travel("2026-06-10T21:30:00+00:00", tick=False):
        message = _queue(patient)  # 22:30 in London: waits for 09:00
    assert message.enqueued_at is None
    with django_capture_on_commit_callbacks(execute=True):
        assert messages_send_due(now=message.not_before - timedelta(seconds=1)) == 0
    with (
        time_machine.travel(message.not_before, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert messages_send_due() == 1
        assert messages_send_due() == 0  # not published twice
    assert len(outbox.messages) == 1


def test_the_dispatch_scan_recovers_a_message_whose_worker_died_while_sending(
    django_capture_on_commit_callbacks,
):
    message = _queue(patient_row())
    Message.objects.filter(pk=message.pk).update(status="sending", attempted_at=timezone.now())
    assert messages_send_due(now=timezone.now() + timedelta(minutes=1)) == 0
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert messages_send_due() == 1
    message.refresh_from_db()
    assert message.status == "sent"


def test_a_deleted_message_is_a_no_op_for_a_late_task():
    assert message_send(message_id=987654) is None


def test_the_file_backend_delivers_once_per_key_and_logs_every_call(settings, tmp_path):
    settings.SMS_FILE_PATH = str(tmp_path)
    backend = FileSmsBackend()
    first = backend.send(to="+1", body="a", idempotency_key="k1")
    again = backend.send(to="+1", body="a", idempotency_key="k1")
    backend.send(to="+1", body="b", idempotency_key="k2")
    assert first == again
    assert len((tmp_path / "calls.jsonl").read_text().splitlines()) == 3
    assert len((tmp_path / "delivered.jsonl").read_text().splitlines()) == 2


def test_the_send_task_comes_back_after_the_backoff_by_countdown(flaky, monkeypatch):
    from celery.exceptions import Retry

    flaky.failures = 1
    message = _queue(patient_row())
    countdowns = []

    def retry(countdown):
        countdowns.append(countdown)
        return Retry()

    monkeypatch.setattr(message_send_task, "retry", retry)
    with pytest.raises(Retry):
        message_send_task.run(message.pk)  # as a worker runs it, not eagerly
    assert 15 <= countdowns[0] <= 30


def test_the_send_task_never_schedules_a_wait_for_the_morning_by_countdown(monkeypatch):
    patient = patient_row()
    with time_machine.travel("2026-06-10T21:30:00+00:00", tick=False):
        message = _queue(patient)
        monkeypatch.setattr(
            message_send_task, "retry", lambda countdown: pytest.fail("no long countdown")
        )
        message_send_task.run(message.pk)
    message.refresh_from_db()
    assert message.status == "queued"


def test_the_batch_task_sends_each_message_once_and_a_bad_one_does_not_stop_the_rest(
    monkeypatch,
):
    from clinic.messaging.tasks import messages_send

    patient = patient_row()
    first, second, third = (_queue(patient, key=f"k{n}", unprompted=False) for n in range(3))
    real = services._provider_send

    def send(message):
        if message.pk == second.pk:
            raise RuntimeError("a provider library bug")
        return real(message)

    monkeypatch.setattr(services, "_provider_send", send)
    messages_send.run([first.pk, second.pk, third.pk])
    messages_send.run([first.pk, second.pk, third.pk])  # run twice: still sent once each
    statuses = dict(Message.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "sent", second.pk: "queued", third.pk: "sent"}
    second.refresh_from_db()
    assert second.error == "RuntimeError"
    assert second.attempts == 1  # its retry waits for the backoff, not the second run
    assert len(outbox.messages) == 2


def test_the_batch_task_hands_a_provider_retry_to_the_single_task_by_countdown(flaky, monkeypatch):
    from clinic.messaging.tasks import messages_send

    flaky.failures = 1
    message = _queue(patient_row())
    scheduled = []
    monkeypatch.setattr(
        message_send_task,
        "apply_async",
        lambda args, countdown, retry: scheduled.append((args, countdown)),
    )
    messages_send.run([message.pk])
    ((args, countdown),) = scheduled
    assert args == (message.pk,)
    assert 15 <= countdown <= 30

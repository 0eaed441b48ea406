"""The one-week check-in goes out on time, on the patient's channel, once; then one reminder."""

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from clinic.messaging.models import Message
from clinic.messaging.sms import outbox
from clinic.messaging.suppressions import suppression_add
from intake.follow_ups import followups_send_due
from intake.models import FollowUp, Patient
from tests.support import factories

pytestmark = pytest.mark.django_db
# Monday 1 June 2026, 11:00 in London (BST): a week later is 11:00 on the 8th.
SUBMITTED = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
WEEK_LATER = SUBMITTED + timedelta(days=7)


def _submit(client, *, patient_overrides=None, **answers):
    with time_machine.travel(SUBMITTED, tick=False):
        response = client.post(
            "/api/v1/intakes/",
            data=json.dumps(factories.body(patient_overrides=patient_overrides, **answers)),
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    return FollowUp.objects.filter(intake_id=response.json()["id"]).first()


def _run(at, capture):
    with time_machine.travel(at, tick=False), capture(execute=True):
        return followups_send_due()


def test_the_question_goes_out_a_week_later_by_email_exactly_once(
    client, django_capture_on_commit_callbacks
):
    follow_up = _submit(client)
    mail.outbox.clear()
    assert _run(WEEK_LATER - timedelta(minutes=1), django_capture_on_commit_callbacks).sent == 0
    assert _run(WEEK_LATER, django_capture_on_commit_callbacks).sent == 1
    assert _run(WEEK_LATER + timedelta(minutes=1), django_capture_on_commit_callbacks).sent == 0
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["alex@example.com"]
    assert sent.subject == "How is your knee compared with last week?"
    for answer in ("better", "same", "worse"):
        assert "/f/" in sent.body and f"?answer={answer}" in sent.body
    assert "To stop all messages from us" in sent.body
    follow_up.refresh_from_db()
    assert follow_up.status == "sent"
    assert follow_up.sent_at == WEEK_LATER


def test_an_sms_patient_is_asked_by_text(client, django_capture_on_commit_callbacks):
    _submit(client, patient_overrides={"channel": "sms"})
    outbox.messages.clear()
    _run(WEEK_LATER, django_capture_on_commit_callbacks)
    assert len(outbox.messages) == 1
    assert outbox.messages[0].to == "+12025550143"
    assert "how is your knee compared with last week?" in outbox.messages[0].body
    assert "Reply STOP" in outbox.messages[0].body


def test_a_follow_up_due_at_night_goes_out_at_nine_in_the_patients_zone(
    client, django_capture_on_commit_callbacks
):
    # Submitted at 22:30 in New York: due a week later at 22:30, sent 09:00 the next day.
    with time_machine.travel(datetime(2026, 6, 2, 2, 30, tzinfo=UTC), tick=False):
        response = client.post(
            "/api/v1/intakes/",
            data=json.dumps(factories.body(patient_overrides={"timezone": "America/New_York"})),
            content_type="application/json",
        )
    follow_up = FollowUp.objects.get(intake_id=response.json()["id"])
    mail.outbox.clear()
    due = follow_up.due_at
    assert _run(due, django_capture_on_commit_callbacks).sent == 1
    assert mail.outbox == []
    message = Message.objects.get(purpose="follow_up")
    assert message.not_before == datetime(2026, 6, 9, 13, 0, tzinfo=UTC)  # 09:00 EDT
    follow_up.refresh_from_db()
    assert follow_up.sent_at == message.not_before
    from clinic.messaging.services import messages_send_due

    with (
        time_machine.travel(message.not_before, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        messages_send_due()
    subjects = [sent.subject for sent in mail.outbox]
    assert subjects.count("How is your knee compared with last week?") == 1


def test_no_follow_up_is_sent_to_a_patient_who_opted_out_after_the_intake(
    client, django_capture_on_commit_callbacks
):
    follow_up = _submit(client)
    suppression_add(channel="email", address="ALEX@example.com", source="email_link")
    mail.outbox.clear()
    result = _run(WEEK_LATER, django_capture_on_commit_callbacks)
    assert (result.sent, result.cancelled) == (0, 1)
    assert mail.outbox == []
    follow_up.refresh_from_db()
    assert follow_up.status == "cancelled"


def test_no_follow_up_is_sent_to_a_patient_who_withdrew_consent_after_the_intake(
    client, django_capture_on_commit_callbacks
):
    # Consent is intake's own check, made when the question is queued (messaging knows none).
    follow_up = _submit(client)
    Patient.objects.update(consent_follow_up=False)
    mail.outbox.clear()
    result = _run(WEEK_LATER, django_capture_on_commit_callbacks)
    assert (result.sent, result.cancelled) == (0, 1)
    assert mail.outbox == []
    assert not Message.objects.filter(purpose="follow_up").exists()
    follow_up.refresh_from_db()
    assert follow_up.status == "cancelled"


def test_an_urgent_intake_gets_no_follow_up_and_no_plan(client):
    assert _submit(client, red_flags=["calf_swelling_pain"]) is None
    assert not Message.objects.filter(purpose__in=["intake_plan", "follow_up"]).exists()


def test_one_reminder_after_three_days_then_nothing(client, django_capture_on_commit_callbacks):
    follow_up = _submit(client)
    _run(WEEK_LATER, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    assert (
        _run(WEEK_LATER + timedelta(days=2, hours=23), django_capture_on_commit_callbacks).reminded
        == 0
    )
    assert _run(WEEK_LATER + timedelta(days=3), django_capture_on_commit_callbacks).reminded == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "A quick reminder: how is your knee?"
    for days in (4, 5, 6, 8, 20):
        result = _run(WEEK_LATER + timedelta(days=days), django_capture_on_commit_callbacks)
        assert (result.sent, result.reminded) == (0, 0)
    assert len(mail.outbox) == 1
    follow_up.refresh_from_db()
    assert follow_up.status == "expired"


def test_the_reminder_respects_an_opt_out_that_came_after_the_question(
    client, django_capture_on_commit_callbacks
):
    follow_up = _submit(client)
    _run(WEEK_LATER, django_capture_on_commit_callbacks)
    suppression_add(channel="email", address="ALEX@example.com", source="email_link")
    mail.outbox.clear()
    _run(WEEK_LATER + timedelta(days=3), django_capture_on_commit_callbacks)
    assert mail.outbox == []
    follow_up.refresh_from_db()
    assert follow_up.status == "cancelled"


def test_a_consenting_patient_gets_their_plan_right_after_the_intake(
    client, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(SUBMITTED, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            "/api/v1/intakes/",
            data=json.dumps(factories.body()),
            content_type="application/json",
        )
    assert response.status_code == 201
    assert len(mail.outbox) == 1
    plan = mail.outbox[0]
    assert plan.subject == "Your knee plan from Stride Sports Medicine Clinic"
    assert response.json()["links"]["result"] in plan.body
    assert response.json()["links"]["advice_sheet"] in plan.body
    assert "Monday 8 June" in plan.body
    assert "To stop all messages from us" in plan.body


def test_a_patient_without_consent_gets_their_plan_and_no_check_in(
    client, django_capture_on_commit_callbacks
):
    # Issue 14 item 4: the plan replies to their own submission; consent gates the check-in.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/api/v1/intakes/",
            data=json.dumps(factories.body(patient_overrides={"consent_follow_up": False})),
            content_type="application/json",
        )
    assert [m.subject for m in mail.outbox] == ["Your knee plan from Stride Sports Medicine Clinic"]
    assert "check in" not in mail.outbox[0].body
    assert list(Message.objects.values_list("purpose", flat=True)) == ["intake_plan"]
    assert not FollowUp.objects.exists()


def test_the_command_runs_the_scan_with_a_stand_in_clock(
    client, django_capture_on_commit_callbacks
):
    _submit(client)
    out = io.StringIO()
    with time_machine.travel(SUBMITTED + timedelta(hours=1), tick=False):
        call_command(
            "send_due_followups", "--now", (WEEK_LATER - timedelta(hours=1)).isoformat(), stdout=out
        )
        assert "follow-ups sent: 0" in out.getvalue()
        call_command("send_due_followups", "--now", WEEK_LATER.isoformat(), stdout=out)
    assert "follow-ups sent: 1" in out.getvalue()
    assert FollowUp.objects.get().status == "sent"


def test_the_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises((CommandError, SystemExit)):
        call_command("send_due_followups", "--now", "next tuesday")


def test_many_due_follow_ups_are_claimed_in_batches(client, django_capture_on_commit_callbacks):
    with time_machine.travel(SUBMITTED, tick=False):
        for n in range(7):
            factories.make_intake(patient_overrides={"email": f"p{n}@example.com"})
    result = _run(WEEK_LATER, django_capture_on_commit_callbacks)
    assert result.sent == 7
    keys = list(
        Message.objects.filter(purpose="follow_up").values_list("idempotency_key", flat=True)
    )
    assert len(keys) == len(set(keys)) == 7


def test_the_claim_skips_rows_another_worker_holds(transactional_db):
    """Two scans at once: the second skips the row the first has locked."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    with time_machine.travel(SUBMITTED, tick=False):
        factories.make_intake()
    import threading

    from intake.follow_ups import _claim

    held = threading.Event()
    release = threading.Event()

    def hold():
        with transaction.atomic():
            _claim(FollowUp.objects.all(), 10)
            held.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(10)
    try:
        with time_machine.travel(WEEK_LATER, tick=False):
            assert followups_send_due().sent == 0
    finally:
        release.set()
        thread.join(10)
    with time_machine.travel(WEEK_LATER, tick=False):
        assert followups_send_due().sent == 1


def _scan_plans(at, capture, monkeypatch):
    """Run the scan at `at`; return the intakes whose plan task it queued again."""
    from intake import follow_ups

    queued: list[int] = []
    monkeypatch.setattr(follow_ups, "enqueue", lambda task, intake_id: queued.append(intake_id))
    with time_machine.travel(at, tick=False), capture(execute=True):
        result = followups_send_due()
    assert result.plans == len(queued)
    return queued


def _lost_plan(**kwargs):
    """An intake saved while the broker was down: its "your plan" task never ran."""
    with time_machine.travel(SUBMITTED, tick=False):
        return factories.make_intake(**kwargs)


def test_the_scan_queues_again_a_plan_whose_task_was_lost(
    django_capture_on_commit_callbacks, monkeypatch
):
    intake = _lost_plan()
    scan = django_capture_on_commit_callbacks
    # Not while the task may still be on its way, and not once the plan is old news.
    assert _scan_plans(SUBMITTED + timedelta(minutes=1), scan, monkeypatch) == []
    assert _scan_plans(SUBMITTED + timedelta(minutes=3), scan, monkeypatch) == [intake.pk]
    assert _scan_plans(SUBMITTED + timedelta(days=3), scan, monkeypatch) == []


def test_the_scan_leaves_alone_intakes_with_a_plan_no_contact_urgent_or_opted_out(
    django_capture_on_commit_callbacks, monkeypatch
):
    from intake.follow_ups import plan_send

    with time_machine.travel(SUBMITTED, tick=False):
        planned = _lost_plan()
        plan_send(intake_id=planned.pk)
    # Issue 14 item 4: no consent no longer means no plan; no contact does.
    _lost_plan(patient_overrides={"consent_follow_up": False, "email": "", "phone": ""})
    _lost_plan(red_flags=["numb_cold_foot"])
    opted_out = _lost_plan()
    Patient.objects.filter(pk=opted_out.patient_id).update(email="opted-out@example.com")
    suppression_add(channel="email", address="opted-out@example.com", source="staff")
    later = SUBMITTED + timedelta(minutes=3)
    assert _scan_plans(later, django_capture_on_commit_callbacks, monkeypatch) == []


def test_the_plan_task_sends_the_plan_once_with_the_sheet_ready(
    django_capture_on_commit_callbacks, settings
):
    from django.core.files.storage import default_storage

    from intake.advice import advice_sheet_key
    from intake.follow_ups import plan_send

    intake = _lost_plan()
    with django_capture_on_commit_callbacks(execute=True):
        plan_send(intake_id=intake.pk)
        plan_send(intake_id=intake.pk)
    assert default_storage.exists(advice_sheet_key(intake.outcome))
    assert Message.objects.filter(about=f"intake:{intake.pk}", purpose="intake_plan").count() == 1
    assert len(mail.outbox) == 1
    assert "/advice.pdf" in mail.outbox[0].body


def test_the_command_with_a_morning_now_sends_a_check_in_held_overnight(
    client, django_capture_on_commit_callbacks
):
    # Due at 22:30 in New York: the check-in is queued, held for 09:00 the next morning.
    with time_machine.travel(datetime(2026, 6, 2, 2, 30, tzinfo=UTC), tick=False):
        client.post(
            "/api/v1/intakes/",
            data=json.dumps(factories.body(patient_overrides={"timezone": "America/New_York"})),
            content_type="application/json",
        )
    follow_up = FollowUp.objects.get()
    _run(follow_up.due_at, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    held = Message.objects.get(purpose="follow_up")
    morning = datetime(2026, 6, 9, 13, 0, tzinfo=UTC)  # 09:00 EDT
    assert (held.status, held.not_before) == ("queued", morning)
    out = io.StringIO()
    with (
        time_machine.travel(morning + timedelta(hours=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        # Still night by the stand-in clock: nothing goes out.
        night = (morning - timedelta(minutes=5)).isoformat()
        call_command("send_due_followups", "--now", night, stdout=out)
        assert mail.outbox == []
        assert "messages due: 0" in out.getvalue()
        call_command(
            "send_due_followups", "--now", (morning + timedelta(minutes=5)).isoformat(), stdout=out
        )
    assert "messages due: 1" in out.getvalue()
    assert [m.subject for m in mail.outbox] == ["How is your knee compared with last week?"]
    held.refresh_from_db()
    assert held.status == "sent"

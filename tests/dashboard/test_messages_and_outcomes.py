"""The message log (failed first, one-click idempotent resend) and the outcomes page."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends import locmem
from django.utils import timezone

from clinic.messaging.models import Message
from clinic.messaging.services import message_send, messages_send_due
from dashboard.models import AuditEvent
from dashboard.selectors import message_log, outcomes
from intake.models import FollowUp, Intake
from tests.support.factories import make_intake

pytestmark = pytest.mark.django_db


def _message(n: int, status: str = "sent", **extra) -> Message:
    return Message.objects.create(
        channel="email",
        template="follow_up",
        purpose="follow_up",
        idempotency_key=f"test-{n}",
        recipient=f"p{n}@example.com",
        subject="How is your knee?",
        body_text="Tap a link.",
        status=status,
        attempts=1,
        **extra,
    )


def test_the_log_lists_failed_messages_first_with_attempts_and_error(front_desk_client):
    now = timezone.now()
    sent = _message(1, created_at=now)
    failed = _message(2, "failed", error="SMTPServerDisconnected", created_at=now - timedelta(1))
    queued = _message(3, "queued", created_at=now - timedelta(hours=1))
    response = front_desk_client.get("/staff/messages/")
    assert [m.pk for m in response.context["page"].object_list] == [failed.pk, sent.pk, queued.pk]
    page = response.content.decode()
    assert "SMTPServerDisconnected" in page
    assert "Tap a link." not in page  # bodies may be clinical: never listed


@pytest.mark.parametrize(
    ("params", "expected"), [({"status": "failed"}, [2]), ({"channel": "sms"}, [])]
)
def test_the_log_filters_by_status_and_channel(front_desk_client, params, expected):
    _message(1)
    _message(2, "failed")
    response = front_desk_client.get("/staff/messages/", params)
    assert [m.idempotency_key for m in response.context["page"].object_list] == [
        f"test-{n}" for n in expected
    ]


@pytest.mark.parametrize("params", [{"status": "lost"}, {"channel": "pigeon"}])
def test_bad_log_filters_are_a_400(front_desk_client, params):
    response = front_desk_client.get("/staff/messages/", params)
    assert response.status_code == 400
    assert set(params) <= set(response.context["form"].errors)


def test_resend_requeues_the_same_failed_row_and_it_is_sent(
    front_desk_client, front_desk, django_capture_on_commit_callbacks
):
    failed = _message(1, "failed", error="SMTPServerDisconnected")
    with django_capture_on_commit_callbacks(execute=True):
        response = front_desk_client.post(f"/staff/messages/{failed.pk}/resend/")
    assert response.status_code == 302
    assert Message.objects.count() == 1
    failed.refresh_from_db()
    assert failed.status == "sent"
    assert failed.attempts == 1  # the resend starts the count again
    assert failed.error == ""
    assert len(mail.outbox) == 1
    event = AuditEvent.objects.get(action="message_resend")
    assert (event.actor, event.object_type, event.object_id) == (front_desk, "message", failed.pk)


def test_a_resent_message_is_published_once_and_gets_its_attempts_back(
    front_desk_client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The resend publishes it (the dispatch scan leaves it alone) and one transient error
    after it is retried, not failed for good."""
    settings.MESSAGE_MAX_ATTEMPTS = 3
    failed = _message(1, "failed", error="SMTPServerDisconnected")
    Message.objects.filter(pk=failed.pk).update(
        attempts=3, enqueued_at=timezone.now() - timedelta(hours=1)
    )
    with time_machine.travel(timezone.now(), tick=False):  # the clock stops: stamps compare
        with django_capture_on_commit_callbacks(execute=False) as published:
            front_desk_client.post(f"/staff/messages/{failed.pk}/resend/")
        failed.refresh_from_db()
        assert (failed.status, failed.attempts) == ("queued", 0)
        assert failed.enqueued_at == timezone.now()
        assert len(published) == 1
        assert messages_send_due() == 0

        def provider_down(self, email_messages):
            raise SMTPServerDisconnected("Connection unexpectedly closed")

        monkeypatch.setattr(locmem.EmailBackend, "send_messages", provider_down)
        failed = message_send(message_id=failed.pk)
    assert (failed.status, failed.attempts) == ("queued", 1)


def test_resend_is_idempotent_a_second_click_queues_nothing(
    front_desk_client, django_capture_on_commit_callbacks
):
    failed = _message(1, "failed")
    with django_capture_on_commit_callbacks(execute=False) as first:
        front_desk_client.post(f"/staff/messages/{failed.pk}/resend/")
    with django_capture_on_commit_callbacks(execute=False) as second:
        front_desk_client.post(f"/staff/messages/{failed.pk}/resend/")
    assert len(first) == 1
    assert len(second) == 0
    failed.refresh_from_db()
    assert failed.status == "queued"
    assert AuditEvent.objects.filter(action="message_resend").count() == 1


@pytest.mark.parametrize("status", ["sent", "queued", "sending", "skipped"])
def test_only_failed_messages_are_resent(
    front_desk_client, status, django_capture_on_commit_callbacks
):
    message = _message(1, status)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        front_desk_client.post(f"/staff/messages/{message.pk}/resend/")
    assert callbacks == []
    message.refresh_from_db()
    assert message.status == status
    assert len(mail.outbox) == 0


def test_resending_an_unknown_message_is_a_404(front_desk_client):
    assert front_desk_client.post("/staff/messages/999999/resend/").status_code == 404


def test_resend_from_the_intake_page_returns_there(clinician_client, urgent_intake):
    message = Message.objects.get(about=f"intake:{urgent_intake.pk}", purpose="staff_urgent_alert")
    Message.objects.filter(pk=message.pk).update(status="failed")
    url = f"/staff/intakes/{urgent_intake.pk}/"
    response = clinician_client.post(f"/staff/messages/{message.pk}/resend/", {"next": url})
    assert response["Location"] == url
    response = clinician_client.post(
        f"/staff/messages/{message.pk}/resend/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/staff/messages/"


def test_the_log_is_paginated(front_desk_client):
    for n in range(message_log.MESSAGE_PAGE_SIZE + 5):
        _message(n)
    response = front_desk_client.get("/staff/messages/")
    assert len(response.context["page"].object_list) == message_log.MESSAGE_PAGE_SIZE
    assert front_desk_client.get("/staff/messages/", {"page": 2}).status_code == 200


# --- Outcomes ---------------------------------------------------------------------------------


def _answer(intake: Intake, answer: str, pain: int | None) -> None:
    FollowUp.objects.filter(intake=intake).update(
        status="answered", answer=answer, pain_now=pain, answered_at=timezone.now()
    )


def test_outcomes_per_pattern_count_answers_shares_and_pain_change(clinician_client):
    a, b, c, _unanswered = (make_intake(pain_now=6) for _ in range(4))  # all runner's knee
    _answer(a, "better", 2)  # −4
    _answer(b, "better", 5)  # −1
    _answer(c, "worse", None)
    response = clinician_client.get("/staff/outcomes/")
    assert response.status_code == 200
    row = next(r for r in response.context["per_pattern"] if r.pattern == "runners_knee")
    assert (row.intakes, row.answered, row.better, row.same, row.worse) == (4, 3, 2, 0, 1)
    assert (row.better_pct, row.same_pct, row.worse_pct) == (67, 0, 33)
    assert row.pain_change == -2.5
    assert row.bookings == 0  # nobody was invited to book
    page = response.content.decode()
    assert 'id="pattern-runners_knee"' in page
    assert "<td>67%</td>" in page and "<td>-2.5 points</td>" in page
    assert "<svg" in page and 'class="bar--better"' in page


def test_weekly_counts_split_intakes_by_urgency(clinician_client):
    make_intake()
    make_intake(pain_now=8)
    old = make_intake(red_flags=["numb_cold_foot"])
    Intake.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(weeks=3))
    weeks = clinician_client.get("/staff/outcomes/").context["weeks"]
    assert len(weeks) == outcomes.OUTCOME_WEEKS
    assert weeks[-1]["counts"] == {"urgent": 0, "assessment": 1, "self_care": 1}
    assert weeks[-4]["counts"]["urgent"] == 1  # exactly three weeks back: same weekday
    assert sum(w["total"] for w in weeks) == 3


def test_outcomes_render_with_no_data_at_all(clinician_client):
    response = clinician_client.get("/staff/outcomes/")
    assert response.status_code == 200
    assert all(r.answered == 0 for r in response.context["per_pattern"])
    assert AuditEvent.objects.filter(action="outcomes_view").exists()

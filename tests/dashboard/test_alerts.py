"""Urgent alerts on the staff side: acknowledged on the dashboard, or escalated to on-call
every 15 minutes (at most four times) by the beat scan; all of it audited; a clinician who
marks an intake urgent sends it down the same route."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from clinic.messaging.models import Message
from dashboard.alert_services import alerts_escalate_due
from dashboard.models import AuditEvent
from dashboard.services import triage_override
from dashboard.tasks import alerts_escalate_due as alerts_escalate_due_task
from intake.follow_ups import followups_send_due
from intake.models import FollowUp, Intake, Referral, StaffAlert
from tests.intake.test_views import details, safety
from tests.support.factories import make_intake

pytestmark = pytest.mark.django_db

RAISED = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # the middle of the night in New York


@pytest.fixture
def oncall(settings):
    settings.CLINIC_ONCALL_EMAIL = "oncall@clinic.example"
    settings.CLINIC_ONCALL_PHONE = "+12025550100"


@pytest.fixture
def alert(db, django_capture_on_commit_callbacks) -> StaffAlert:
    with (
        time_machine.travel(RAISED, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        intake = make_intake(red_flags=["calf_swelling_pain"], patient_overrides={"name": "Uma"})
    return StaffAlert.objects.get(intake=intake)


def _scan_at(minutes: float) -> None:
    with time_machine.travel(RAISED + timedelta(minutes=minutes), tick=False):
        alerts_escalate_due()


def _escalations() -> list[Message]:
    return list(Message.objects.filter(purpose="urgent_escalation").order_by("pk"))


def _audit(action: str):
    return AuditEvent.objects.filter(action=action)


def test_an_alert_is_not_escalated_before_15_minutes(oncall, alert):
    _scan_at(14.9)
    alert.refresh_from_db()
    assert alert.escalations == 0
    assert _escalations() == []


def test_an_unacknowledged_alert_escalates_at_15_minutes_to_on_call(
    oncall, alert, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _scan_at(15)
    alert.refresh_from_db()
    assert (alert.escalations, alert.last_escalated_at) == (1, RAISED + timedelta(minutes=15))
    email, sms = _escalations()
    assert (email.channel, email.recipient) == ("email", "oncall@clinic.example")
    assert (sms.channel, sms.recipient) == ("sms", "+12025550100")
    assert "calf" not in email.body_text.lower()  # no health data in the clinic's alert
    assert f"/staff/intakes/{alert.intake_id}/" in email.body_text
    assert any(m.to == ["oncall@clinic.example"] for m in mail.outbox)
    escalated = _audit("alert_escalate").get()
    assert (escalated.object_type, escalated.object_id) == ("intake", alert.intake_id)


def test_it_escalates_again_every_15_minutes_and_at_most_four_times(oncall, alert):
    for minute in range(0, 121):  # the beat, every minute, for two hours
        _scan_at(minute)
    alert.refresh_from_db()
    assert alert.escalations == 4
    assert alert.last_escalated_at == RAISED + timedelta(minutes=60)
    assert [e.at for e in _audit("alert_escalate").order_by("at")] == [
        RAISED + timedelta(minutes=m) for m in (15, 30, 45, 60)
    ]
    assert len(_escalations()) == 8  # email and SMS, four times


def test_a_repeated_scan_in_the_same_minute_escalates_once(oncall, alert):
    _scan_at(16)
    _scan_at(16)
    alert.refresh_from_db()
    assert alert.escalations == 1
    assert len(_escalations()) == 2


def test_no_escalation_after_an_acknowledgement(oncall, alert, clinician_client, clinician):
    _scan_at(15)
    with time_machine.travel(RAISED + timedelta(minutes=20), tick=False):
        response = clinician_client.post(f"/staff/alerts/{alert.intake_id}/acknowledge/")
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == clinician
    assert alert.acknowledged_at == RAISED + timedelta(minutes=20)
    for minute in range(21, 120):
        _scan_at(minute)
    alert.refresh_from_db()
    assert alert.escalations == 1
    acknowledged = _audit("acknowledge").get()
    assert (acknowledged.actor, acknowledged.object_id) == (clinician, alert.intake_id)


def test_the_alert_its_escalations_and_its_acknowledgement_are_audited_in_order(
    oncall, alert, clinician
):
    from dashboard.services import intake_acknowledge

    _scan_at(1)
    _scan_at(15)
    with time_machine.travel(RAISED + timedelta(minutes=22), tick=False):
        intake_acknowledge(intake_id=alert.intake_id, by=clinician)
    trail = AuditEvent.objects.filter(object_id=alert.intake_id).order_by("at")
    assert [(e.action, e.at) for e in trail] == [
        ("alert_raise", RAISED),
        ("alert_escalate", RAISED + timedelta(minutes=15)),
        ("acknowledge", RAISED + timedelta(minutes=22)),
    ]


def test_an_acknowledgement_before_the_first_scan_still_audits_the_alert(alert, clinician):
    from dashboard.services import intake_acknowledge

    intake_acknowledge(intake_id=alert.intake_id, by=clinician)
    assert _audit("alert_raise").get().at == RAISED
    _scan_at(5)
    assert _audit("alert_raise").count() == 1


def test_without_on_call_settings_the_triage_inbox_is_told(settings, alert):
    settings.CLINIC_ONCALL_EMAIL = settings.CLINIC_ONCALL_PHONE = ""
    _scan_at(15)
    (message,) = _escalations()
    assert message.recipient == "triage@clinic.example"


def test_the_beat_scan_is_a_celery_beat_entry_every_minute(settings, oncall, alert):
    entry = settings.CELERY_BEAT_SCHEDULE["urgent-alerts-escalate"]
    assert entry["task"] == "dashboard.alerts_escalate_due"
    assert entry["schedule"] == timedelta(minutes=1)
    with time_machine.travel(RAISED + timedelta(minutes=15), tick=False):
        assert alerts_escalate_due_task.delay().get() == {"raised": 1, "escalated": 1}


def test_the_queue_shows_an_acknowledge_button_for_each_unacknowledged_alert(
    clinician_client, alert
):
    page = clinician_client.get("/staff/").content.decode()
    assert f'action="/staff/alerts/{alert.intake_id}/acknowledge/"' in page
    assert "Acknowledge" in page


def test_front_desk_cannot_acknowledge_an_alert(front_desk_client, alert):
    response = front_desk_client.post(f"/staff/alerts/{alert.intake_id}/acknowledge/")
    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


# --- A clinician marks an intake urgent --------------------------------------------------


def test_a_clinician_marking_urgent_cancels_the_follow_up_and_sends_the_route(
    clinician_client, clinician, django_capture_on_commit_callbacks
):
    intake = make_intake(patient_overrides={"name": "Mark Urgent"})
    assert intake.follow_up.status == "scheduled"
    with django_capture_on_commit_callbacks(execute=True):
        response = clinician_client.post(
            f"/staff/intakes/{intake.pk}/override/",
            {"urgency": "urgent", "reason": "Hot swollen knee on the phone."},
        )
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.urgency == "urgent"
    assert intake.follow_up.status == "cancelled"
    assert Referral.objects.get(intake=intake).reason == "urgent"
    assert StaffAlert.objects.filter(intake=intake).exists()
    route = Message.objects.get(purpose="urgent_route")
    assert route.recipient == "alex@example.com" and route.status == "sent"
    assert "Get seen today" in route.body_text
    marked = _audit("urgent_mark").get()
    assert (marked.actor, marked.object_id) == (clinician, intake.pk)
    # The cancelled check-in never goes out.
    with time_machine.travel(intake.submitted_at + timedelta(days=8)):
        followups_send_due()
    assert intake.follow_up.__class__.objects.get(pk=intake.follow_up.pk).status == "cancelled"
    assert not Message.objects.filter(purpose="follow_up").exists()


def test_a_clinician_override_that_is_not_urgent_sends_nothing(clinician):
    intake = make_intake()
    triage_override(intake_id=intake.pk, by=clinician, urgency="assessment", reason="Swollen.")
    assert StaffAlert.objects.count() == 0
    assert FollowUp.objects.get(intake=intake).status == "scheduled"
    assert not Message.objects.filter(purpose="urgent_route").exists()


# --- Changed safety answers in the queue --------------------------------------------------


def test_changed_safety_answers_head_the_queue_with_a_label(clinician_client, client):
    make_intake(patient_overrides={"name": "Newer Plain"})
    with time_machine.travel(datetime(2026, 1, 1, tzinfo=UTC)):
        patient = clinician_client.__class__()
        patient.post("/intake/", safety(pop_rapid_swelling=True))
        patient.post("/intake/", details(name="Old Changed"))
    changed = Intake.objects.get(patient__name="Old Changed")
    assert changed.safety_answers_changed
    response = clinician_client.get("/staff/")
    listed = [i.patient.name for i in response.context["page"].object_list]
    assert listed[0] == "Old Changed"
    assert "Safety answers changed" in response.content.decode()

"""The "your plan" message reaches every non-urgent patient who gave a contact (issue 14,
item 4): it replies to their own submission, so consent gates only the check-in a week on.
The suppression list and the daily cap still hold when it is sent."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from clinic.messaging.models import Message
from clinic.messaging.sms import outbox
from clinic.messaging.suppressions import suppression_add
from intake.follow_ups import followups_send_due
from intake.models import FollowUp, Intake
from tests.intake.test_views import details
from tests.support import factories

pytestmark = pytest.mark.django_db

# Monday 1 June 2026, 11:00 in London: inside the day, so nothing waits for the morning.
SUBMITTED = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
NO_CONSENT = {"consent_follow_up": False}


def _api_submit(client, capture, **patient_overrides):
    with time_machine.travel(SUBMITTED, tick=False), capture(execute=True):
        response = client.post(
            "/api/v1/intakes/",
            data=json.dumps(factories.body(patient_overrides=patient_overrides)),
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    return response


def _service_submit(capture, **patient_overrides):
    with time_machine.travel(SUBMITTED, tick=False), capture(execute=True):
        return factories.make_intake(patient_overrides=patient_overrides)


def test_a_patient_who_did_not_consent_still_gets_their_plan_without_a_check_in_promise(
    client, django_capture_on_commit_callbacks
):
    response = _api_submit(client, django_capture_on_commit_callbacks, **NO_CONSENT)
    assert not FollowUp.objects.exists()
    assert len(mail.outbox) == 1
    plan = mail.outbox[0]
    assert plan.to == ["alex@example.com"]
    assert plan.subject == "Your knee plan from Stride Sports Medicine Clinic"
    assert response.json()["links"]["result"] in plan.body
    assert response.json()["links"]["advice_sheet"] in plan.body
    html = plan.alternatives[0][0]
    for text in (plan.body, html):
        assert "check in" not in text.lower()
        assert "asked Stride Sports Medicine Clinic to check in" not in text
        assert "You get this because you filled in Stride Sports Medicine Clinic" in text
        assert "This is not a diagnosis." in text
    message = Message.objects.get()
    assert (message.purpose, message.status) == ("intake_plan", "sent")


def test_a_consenting_patient_is_told_the_check_in_date_in_their_plan(
    client, django_capture_on_commit_callbacks
):
    _api_submit(client, django_capture_on_commit_callbacks)
    assert FollowUp.objects.count() == 1
    assert "We will check in on Monday 8 June" in mail.outbox[0].body


def test_the_plan_goes_by_text_to_a_patient_who_chose_text_without_consenting(
    django_capture_on_commit_callbacks,
):
    outbox.messages.clear()
    _service_submit(django_capture_on_commit_callbacks, channel="sms", **NO_CONSENT)
    assert mail.outbox == []
    (text,) = outbox.messages
    assert text.to == "+12025550143"
    assert "your knee plan is at" in text.body
    assert "check in" not in text.body
    assert "Reply STOP to opt out." in text.body


def test_the_plan_goes_to_the_only_contact_given_when_it_is_not_the_chosen_channel(
    django_capture_on_commit_callbacks,
):
    outbox.messages.clear()
    _service_submit(django_capture_on_commit_callbacks, channel="sms", phone="", **NO_CONSENT)
    assert outbox.messages == []
    assert [m.to for m in mail.outbox] == [["alex@example.com"]]


def test_a_patient_who_gave_no_contact_gets_no_plan_but_their_sheet_is_still_made(
    django_capture_on_commit_callbacks,
):
    from django.core.files.storage import default_storage

    from intake.advice import advice_sheet_key

    outbox.messages.clear()
    intake = _service_submit(django_capture_on_commit_callbacks, email="", phone="", **NO_CONSENT)
    assert Message.objects.count() == 0
    assert mail.outbox == [] and outbox.messages == []
    assert default_storage.exists(advice_sheet_key(intake.outcome))


def test_a_child_whose_guardian_did_not_consent_gets_the_plan_at_the_guardians_address(
    django_capture_on_commit_callbacks,
):
    guardian = {"name": "Pat Parent", "relationship": "mother", "email": "pat@example.com"}
    with (
        time_machine.travel(SUBMITTED, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        factories.make_intake(
            patient_overrides={"email": "", "phone": "", "guardian": guardian, **NO_CONSENT},
            age=14,
        )
    assert [m.to for m in mail.outbox] == [["pat@example.com"]]
    assert not FollowUp.objects.exists()


def test_an_opted_out_address_gets_no_plan_consent_or_not(django_capture_on_commit_callbacks):
    suppression_add(channel="email", address="alex@example.com", source="email_link")
    _service_submit(django_capture_on_commit_callbacks, **NO_CONSENT)
    assert mail.outbox == []
    message = Message.objects.get(purpose="intake_plan")
    assert (message.status, message.error) == ("skipped", "recipient opted out")


def test_the_plan_counts_against_the_daily_cap_like_any_message(
    django_capture_on_commit_callbacks, settings
):
    settings.MESSAGE_DAILY_CAP = 2
    for _ in range(3):
        _service_submit(django_capture_on_commit_callbacks, **NO_CONSENT)
    statuses = list(
        Message.objects.filter(purpose="intake_plan")
        .order_by("pk")
        .values_list("status", flat=True)
    )
    assert statuses == ["sent", "sent", "skipped"]
    assert len(mail.outbox) == 2


def test_an_urgent_intake_without_consent_gets_the_route_and_no_plan(
    client, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(SUBMITTED, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            "/api/v1/intakes/",
            data=json.dumps(
                factories.body(patient_overrides=NO_CONSENT, red_flags=["numb_cold_foot"])
            ),
            content_type="application/json",
        )
    assert response.status_code == 201
    purposes = set(Message.objects.values_list("purpose", flat=True))
    assert "intake_plan" not in purposes
    assert "urgent_route" in purposes


def test_the_web_form_without_the_consent_box_sends_the_plan_and_schedules_no_check_in(
    client, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(SUBMITTED, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post("/intake/", details(consent_follow_up=None))
    assert response.status_code == 302
    intake = Intake.objects.get()
    assert intake.patient.consent_follow_up is False
    assert not FollowUp.objects.exists()
    assert [m.to for m in mail.outbox] == [["jo@example.com"]]
    assert "check in" not in mail.outbox[0].body.lower()
    token = response["Location"].removeprefix("/intake/r/").removesuffix("/")
    assert token in mail.outbox[0].body


def test_the_web_form_with_no_contact_sends_nothing(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/intake/", details(consent_follow_up=None, email=""))
    assert response.status_code == 302
    assert Message.objects.count() == 0


def _scan_plans(at, capture, monkeypatch):
    from intake import follow_ups

    queued: list[int] = []
    monkeypatch.setattr(follow_ups, "enqueue", lambda task, intake_id: queued.append(intake_id))
    with time_machine.travel(at, tick=False), capture(execute=True):
        followups_send_due()
    return queued


def test_the_scan_sends_again_a_lost_plan_without_consent_but_not_one_without_contact(
    django_capture_on_commit_callbacks, monkeypatch
):
    with time_machine.travel(SUBMITTED, tick=False):
        # Saved without their after-commit tasks: as if the broker had been down.
        no_consent = factories.make_intake(patient_overrides=NO_CONSENT)
        factories.make_intake(patient_overrides={"email": "", "phone": "", **NO_CONSENT})
        child = factories.make_intake(
            patient_overrides={
                "email": "",
                "phone": "",
                "guardian": {
                    "name": "Pat Parent",
                    "relationship": "father",
                    "phone": "+1 202 555 0144",
                },
                **NO_CONSENT,
            },
            age=14,
        )
    later = SUBMITTED + timedelta(minutes=3)
    queued = _scan_plans(later, django_capture_on_commit_callbacks, monkeypatch)
    assert queued == [no_consent.pk, child.pk]

"""Returning patients: earlier episodes on the staff intake page, an audited merge, and no
two follow-ups in one day for the same person."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from clinic.messaging.models import Message
from clinic.messaging.services import message_send
from dashboard.episodes import MergeRefused, earlier_episodes, patients_merge
from dashboard.models import AuditEvent
from intake.follow_ups import followups_send_due
from intake.models import FollowUp, Intake, Patient
from referrals.models import ContactVerification
from tests.support import factories

pytestmark = pytest.mark.django_db


def confirmed(intake, address="alex@example.com"):
    """The intake's contact confirmed, as referrals.verification records it (normalised)."""
    ContactVerification.objects.create(
        intake=intake, channel="email", address=address, verified_at=timezone.now()
    )


def returning():
    """The same runner twice, each time confirming their email (the second time typed with
    capitals and no phone), and a stranger."""
    first = factories.make_intake(patient_overrides={"name": "Alex Runner"})
    second = factories.make_intake(
        patient_overrides={"name": "Alex R.", "email": "ALEX@example.com", "phone": ""}
    )
    stranger = factories.make_intake(
        patient_overrides={"name": "Sam Else", "email": "sam@example.com", "phone": ""}
    )
    confirmed(first)
    confirmed(second)
    confirmed(stranger, "sam@example.com")
    return first, second, stranger


def test_an_unconfirmed_contact_links_no_episodes():
    """Typing someone else's email does not put their episodes beside yours."""
    first = factories.make_intake(patient_overrides={"name": "Alex Runner"})
    typed = factories.make_intake(patient_overrides={"name": "Not Alex", "phone": ""})
    confirmed(first)
    assert earlier_episodes(typed) == []
    assert earlier_episodes(first) == []
    confirmed(typed)
    assert [e.intake for e in earlier_episodes(typed)] == [first]


def test_the_staff_intake_page_shows_the_earlier_episodes_of_the_same_person(
    clinician_client,
):
    first, second, stranger = returning()
    assert [e.intake for e in earlier_episodes(second)] == [first]
    page = clinician_client.get(f"/staff/intakes/{second.pk}/").content.decode()
    assert "Earlier episodes" in page and f"Intake #{first.pk}" in page
    assert f"Intake #{stranger.pk}" not in page
    # Never on the patient's side: the result page does not mention it.
    from intake.links import intake_path

    patient_page = clinician_client.get(intake_path(second, "result"))
    assert "Earlier episodes" not in patient_page.content.decode()


def test_merging_moves_every_episode_and_is_audited(client, clinician):
    first, second, _ = returning()
    client.force_login(clinician)
    response = client.post(
        f"/staff/patients/{first.patient_id}/merge/",
        {"merge_id": second.patient_id, "intake_id": first.pk},
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.patient_id == first.patient_id
    assert not Patient.objects.filter(name="Alex R.").exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.PATIENT_MERGE)
    assert event.actor == clinician and event.object_id == first.patient_id
    assert second.pk in event.object_ids
    [episode] = earlier_episodes(first)
    assert episode.same_record


def test_a_merge_is_refused_for_different_people_or_the_same_record(clinician):
    first, _, stranger = returning()
    with pytest.raises(MergeRefused):
        patients_merge(keep_id=first.patient_id, merge_id=stranger.patient_id, by=clinician)
    with pytest.raises(MergeRefused):
        patients_merge(keep_id=first.patient_id, merge_id=first.patient_id, by=clinician)
    assert Intake.objects.get(pk=stranger.pk).patient.name == "Sam Else"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PATIENT_MERGE).exists()


def test_an_outsider_cannot_merge(client, outsider):
    first, second, _ = returning()
    client.force_login(outsider)
    url = f"/staff/patients/{first.patient_id}/merge/"
    assert client.post(url, {"merge_id": second.patient_id, "intake_id": 1}).status_code == 403


def test_a_returning_patient_is_not_sent_two_follow_ups_in_one_day(settings):
    first, second, _ = returning()
    noon = timezone.now().replace(hour=12, minute=0) + timedelta(days=8)
    FollowUp.objects.filter(intake__in=[first, second]).update(due_at=noon - timedelta(hours=1))
    with time_machine.travel(noon, tick=False):
        followups_send_due(now=noon)
        for message in Message.objects.filter(purpose="follow_up"):
            message_send(message_id=message.pk)
    questions = Message.objects.filter(purpose="follow_up", recipient="alex@example.com")
    assert questions.count() == 2
    assert questions.filter(status="sent").count() == 1
    held = questions.get(status="queued")
    assert held.not_before > noon
    assert len([m for m in mail.outbox if m.to == ["alex@example.com"]]) == 1

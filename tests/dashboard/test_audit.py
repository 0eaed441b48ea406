"""The audit trail: every look at patient data and every change, browsable by admins."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from dashboard.bulk import intakes_bulk_create
from dashboard.models import AuditEvent, Note
from intake.models import Intake, Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db):
    """Its own browser: the standing cast shares pytest-django's `client`."""
    admin = get_user_model().objects.create_superuser("ada.admin", "ada@clinic.example", "pw")
    browser = Client()
    browser.force_login(admin)
    return browser


def test_the_queue_view_records_which_intakes_were_shown(
    clinician_client, clinician, urgent_intake, routine_intake
):
    clinician_client.get("/staff/")
    event = AuditEvent.objects.get(action="queue_view")
    assert event.actor == clinician
    assert set(event.object_ids) == {urgent_intake.pk, routine_intake.pk}
    assert event.ip_address == "127.0.0.1"


def test_the_queue_view_records_exactly_the_rows_it_shows(clinician_client):
    """Full top blocks read one row past their limit to know there are more: not recorded."""
    intakes_bulk_create(400)
    response = clinician_client.get("/staff/")
    context = response.context
    assert context["urgent_more"] and context["not_improving_more"]
    shown = (
        [i.pk for i in context["urgent"]]
        + [r.intake_id for r in context["not_improving"]]
        + [i.pk for i in context["page"].object_list]
    )
    event = AuditEvent.objects.get(action="queue_view")
    assert event.object_ids == shown


def test_the_live_refresh_records_exactly_the_top_block_rows_it_shows(clinician_client):
    intakes_bulk_create(400)
    clinician_client.get("/staff/")
    AuditEvent.objects.all().delete()
    response = clinician_client.get("/staff/", headers={"X-Stride-Refresh": "1"})
    context = response.context
    assert context["urgent_more"] and context["not_improving_more"]
    shown = [i.pk for i in context["urgent"]] + [r.intake_id for r in context["not_improving"]]
    event = AuditEvent.objects.get(action="queue_view")
    assert event.object_ids == shown


def test_the_search_words_never_reach_the_audit_row(clinician_client, routine_intake):
    clinician_client.get("/staff/", {"q": "Rita"})
    event = AuditEvent.objects.get(action="queue_view")
    assert "Rita" not in str([getattr(event, f.attname) for f in AuditEvent._meta.fields])


def test_the_message_log_view_is_recorded(front_desk_client, front_desk, urgent_intake):
    front_desk_client.get("/staff/messages/")
    event = AuditEvent.objects.get(action="messages_view")
    assert event.actor == front_desk and event.object_type == "message" and event.object_ids


def test_a_refused_look_writes_no_view_row(client, outsider, routine_intake):
    client.force_login(outsider)
    client.get(f"/staff/intakes/{routine_intake.pk}/")
    assert not AuditEvent.objects.filter(action="intake_view").exists()


def test_model_changes_are_tracked_by_auditlog_with_the_actor(
    clinician_client, clinician, urgent_intake
):
    clinician_client.post(f"/staff/intakes/{urgent_intake.pk}/acknowledge/")
    clinician_client.post(f"/staff/intakes/{urgent_intake.pk}/notes/", {"text": "Knee is hot."})
    referral = Referral.objects.get(intake=urgent_intake)
    clinician_client.post(f"/staff/referrals/{referral.pk}/close/")
    status_change = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Intake),
        object_pk=str(urgent_intake.pk),
        action=LogEntry.Action.UPDATE,
    )
    assert status_change.actor == clinician
    assert status_change.changes_dict == {"status": ["new", "acknowledged"]}
    closed = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Referral),
        object_pk=str(referral.pk),
        action=LogEntry.Action.UPDATE,
    )
    assert closed.changes_dict["status"] == ["open", "closed"]
    note_entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Note))
    assert "Knee is hot." not in str(note_entry.changes)


def test_admins_browse_the_audit_trail_read_only(admin_client, clinician_client, routine_intake):
    clinician_client.get(f"/staff/intakes/{routine_intake.pk}/")
    event = AuditEvent.objects.get(action="intake_view")
    response = admin_client.get("/admin/dashboard/auditevent/", {"action": "intake_view"})
    assert response.status_code == 200
    assert "dr.quinn" in response.content.decode()
    assert (
        admin_client.get(f"/admin/dashboard/auditevent/?q={routine_intake.pk}").status_code == 200
    )
    assert admin_client.get(f"/admin/dashboard/auditevent/{event.pk}/change/").status_code == 200
    assert admin_client.get("/admin/dashboard/auditevent/add/").status_code == 403
    assert admin_client.post(f"/admin/dashboard/auditevent/{event.pk}/delete/").status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_staff_without_admin_rights_cannot_browse_the_audit_trail(client, clinician):
    client.force_login(clinician)
    response = client.get("/admin/dashboard/auditevent/")
    assert response.status_code == 302  # not is_staff: the admin sends them to its login

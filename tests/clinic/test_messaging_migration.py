"""The move of opt-outs from patients to the suppression list, run on real rows both ways."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("intake", "0003_patient_search_trigram"), ("messaging", "0003_suppression_recipient")]
AFTER = [("intake", "0004_opt_outs_to_suppressions"), ("messaging", "0004_drop_patient_links")]
OPTED_OUT_AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def before(transactional_db):
    """The schema just before the move; the whole schema is put back afterwards."""
    apps = _migrate(BEFORE)
    yield apps
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _rows(apps):
    Patient = apps.get_model("intake", "Patient")
    Intake = apps.get_model("intake", "Intake")
    Message = apps.get_model("messaging", "Message")
    sam = Patient.objects.create(
        name="Sam",
        email="Sam@Example.com",
        phone="+12025550143",
        channel="sms",
        timezone="Europe/London",
        opted_out_at=OPTED_OUT_AT,
    )
    Patient.objects.create(name="Sam again", email="sam@example.com", opted_out_at=OPTED_OUT_AT)
    kept = Patient.objects.create(name="Kim", email="kim@example.com", phone="+12025550188")
    intake = Intake.objects.create(
        patient=sam,
        answers={},
        knee="left",
        pain_now=5,
        duration_days=10,
        age=30,
        urgency="self_care",
        pattern="runners_knee",
    )
    common = {"template": "plan", "body_text": "Hi", "purpose": "p"}
    to_sam = Message.objects.create(
        channel="sms",
        recipient=sam.phone,
        patient=sam,
        intake=intake,
        idempotency_key="1",
        **common,
    )
    to_staff = Message.objects.create(
        channel="email",
        recipient="triage@clinic.example",
        intake=intake,
        idempotency_key="2",
        **common,
    )
    reply = Message.objects.create(
        channel="email", recipient=kept.email, patient=kept, idempotency_key="3", **common
    )
    return sam, kept, intake, to_sam, to_staff, reply


def test_opted_out_patients_become_suppressions_and_messages_get_references(before):
    _sam, kept, intake, to_sam, to_staff, reply = _rows(before)
    after = _migrate(AFTER)
    Suppression = after.get_model("messaging", "Suppression")
    Message = after.get_model("messaging", "Message")
    assert sorted(
        Suppression.objects.values_list("channel", "address", "created_at", "source")
    ) == [
        ("email", "sam@example.com", OPTED_OUT_AT, "patient_record"),
        ("sms", "+12025550143", OPTED_OUT_AT, "patient_record"),
    ]
    to_sam, to_staff, reply = (Message.objects.get(pk=m.pk) for m in (to_sam, to_staff, reply))
    assert (to_sam.about, to_sam.recipient_zone, to_sam.fallback_email) == (
        f"intake:{intake.pk}",
        "Europe/London",
        "sam@example.com",
    )
    assert not to_sam.opt_out_link  # a text has no link to carry
    assert (to_staff.about, to_staff.recipient_zone, to_staff.opt_out_link) == (
        f"intake:{intake.pk}",
        "",
        False,
    )
    assert (reply.about, reply.opt_out_link) == (f"patient:{kept.pk}", True)
    assert "opted_out_at" not in {f.name for f in after.get_model("intake", "Patient")._meta.fields}


def test_the_move_can_be_undone(before):
    sam, kept, intake, to_sam, to_staff, reply = _rows(before)
    _migrate(AFTER)
    apps = _migrate(BEFORE)
    Patient = apps.get_model("intake", "Patient")
    Message = apps.get_model("messaging", "Message")
    assert Patient.objects.get(pk=sam.pk).opted_out_at == OPTED_OUT_AT
    assert Patient.objects.get(pk=kept.pk).opted_out_at is None
    assert (
        Message.objects.get(pk=to_sam.pk).patient_id,
        Message.objects.get(pk=to_sam.pk).intake_id,
    ) == (
        sam.pk,
        intake.pk,
    )
    assert Message.objects.get(pk=to_staff.pk).patient_id is None
    assert Message.objects.get(pk=reply.pk).patient_id == kept.pk

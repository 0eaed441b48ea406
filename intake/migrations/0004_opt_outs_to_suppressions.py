"""Opt-outs move from the patient to messaging's suppression list; messages lose their links.

Every patient with `opted_out_at` becomes one suppression per non-empty address (email and
phone), keeping the time; each message's opaque `about`, time zone, fallback address and
opt-out flag are filled from the patient and intake it pointed at. Then the column goes.
"""

from django.db import migrations
from django.db.models import Q

CHUNK = 2000


def _normalised(channel: str, address: str) -> str:
    # The form clinic.messaging.recipients gives; phones were already stored in E.164.
    address = (address or "").strip()
    return address.lower() if channel == "email" else address


def opt_outs_to_suppressions(apps, schema_editor) -> None:
    Patient = apps.get_model("intake", "Patient")
    Suppression = apps.get_model("messaging", "Suppression")
    earliest: dict[tuple[str, str], object] = {}
    opted_out = Patient.objects.filter(opted_out_at__isnull=False).only(
        "email", "phone", "opted_out_at"
    )
    for patient in opted_out.iterator(chunk_size=CHUNK):
        for channel, address in (("email", patient.email), ("sms", patient.phone)):
            key = (channel, _normalised(channel, address))
            if key[1] and (key not in earliest or patient.opted_out_at < earliest[key]):
                earliest[key] = patient.opted_out_at
    Suppression.objects.bulk_create(
        [
            Suppression(channel=channel, address=address, source="patient_record", created_at=at)
            for (channel, address), at in earliest.items()
        ],
        batch_size=CHUNK,
        ignore_conflicts=True,
    )


def suppressions_to_opt_outs(apps, schema_editor) -> None:
    Patient = apps.get_model("intake", "Patient")
    Suppression = apps.get_model("messaging", "Suppression")
    for suppression in Suppression.objects.iterator(chunk_size=CHUNK):
        if suppression.channel == "email":
            patients = Patient.objects.filter(email__iexact=suppression.address)
        else:
            patients = Patient.objects.filter(phone=suppression.address)
        patients.filter(opted_out_at__isnull=True).update(opted_out_at=suppression.created_at)


def messages_describe(apps, schema_editor) -> None:
    Message = apps.get_model("messaging", "Message")
    linked = Message.objects.filter(Q(patient__isnull=False) | Q(intake__isnull=False))
    batch = []
    for message in linked.select_related("patient").iterator(chunk_size=CHUNK):
        patient = message.patient
        if message.intake_id:
            message.about = f"intake:{message.intake_id}"
        elif message.patient_id:
            message.about = f"patient:{message.patient_id}"
        if patient is not None:
            # Before, only a message with a patient got the opt-out, quiet hours and a fallback.
            message.recipient_zone = patient.timezone
            message.opt_out_link = message.channel == "email"
            if message.channel == "sms" and patient.email:
                message.fallback_email = _normalised("email", patient.email)
        batch.append(message)
        if len(batch) >= CHUNK:
            _save(Message, batch)
            batch = []
    _save(Message, batch)


def _save(Message, batch: list) -> None:
    fields = ["about", "recipient_zone", "opt_out_link", "fallback_email"]
    Message.objects.bulk_update(batch, fields, batch_size=CHUNK)


def messages_relink(apps, schema_editor) -> None:
    Message = apps.get_model("messaging", "Message")
    Intake = apps.get_model("intake", "Intake")
    for message in Message.objects.exclude(about="").iterator(chunk_size=CHUNK):
        kind, _, pk = message.about.partition(":")
        if kind == "intake" and pk.isdigit():
            intake = Intake.objects.filter(pk=int(pk)).first()
            if intake is not None:
                message.intake_id = intake.pk
                # Messages to the patient carry their zone; the clinic's own mail does not.
                message.patient_id = intake.patient_id if message.recipient_zone else None
        elif kind == "patient" and pk.isdigit():
            message.patient_id = int(pk)
        message.save(update_fields=["intake", "patient"])


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0003_patient_search_trigram"),
        ("messaging", "0003_suppression_recipient"),
    ]

    operations = [
        migrations.RunPython(opt_outs_to_suppressions, suppressions_to_opt_outs),
        migrations.RunPython(messages_describe, messages_relink),
        migrations.RemoveField(model_name="patient", name="opted_out_at"),
    ]

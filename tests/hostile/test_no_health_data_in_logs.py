"""A whole patient journey, every log record captured: no name, contact or answer in them."""

import json
import logging
import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model

from clinic.messaging.models import Message
from intake.follow_ups import followups_send_due
from intake.links import follow_up_token, intake_token
from intake.models import Intake
from referrals.models import Slot
from tests.support import factories
from tests.support.booking import make_clinician

pytestmark = pytest.mark.django_db

NOW = "2026-12-01 12:00:00Z"
SECRETS = (
    "Quinn Secretname",
    "quinn.secret@example.com",
    "2025550143",
    "under_kneecap",
    "runners_knee",
    "calf_swelling_pain",
)


def test_a_full_journey_logs_no_health_data(
    client, caplog, settings, django_capture_on_commit_callbacks
):
    settings.TIME_ZONE = "America/New_York"
    caplog.set_level(logging.DEBUG)
    patient = {"name": "Quinn Secretname", "email": "quinn.secret@example.com"}
    with (
        time_machine.travel(NOW, tick=False) as traveller,
        django_capture_on_commit_callbacks(execute=True),
    ):
        make_clinician()
        body = factories.body(patient_overrides=patient, duration_days=10)
        created = client.post(
            "/api/v1/intakes/", json.dumps(body), content_type="application/json"
        ).json()
        urgent = factories.body(patient_overrides=patient, red_flags=["calf_swelling_pain"])
        client.post("/api/v1/intakes/", json.dumps(urgent), content_type="application/json")
        bad = factories.body(patient_overrides={**patient, "phone": "nonsense"}, pain_now=99)
        client.post("/api/v1/intakes/", json.dumps(bad), content_type="application/json")
        intake = Intake.objects.get(pk=created["id"])
        token = intake_token(intake)
        client.get(f"/intake/r/{token}/")
        client.get(f"/intake/r/{token}/advice.pdf")
        # The contact check before booking, by its real steps (a code by text, or a link).
        client.post(f"/book/{token}/verify/", {"send": "1"})
        check = Message.objects.get(template="contact_verify")
        code = re.search(r"\b(\d{6})\b", check.body_text)
        if check.channel == "sms" and code:
            client.post(f"/book/{token}/verify/", {"code": code.group(1)})
        else:
            link = re.search(r"http://testserver(/book/verify/[^\s\"]+/)", check.body_text)
            client.get(link.group(1))
        slot = Slot.objects.order_by("starts_at").first()
        client.post(
            "/api/v1/appointments/",
            json.dumps({"slot": slot.pk, "token": token}),
            content_type="application/json",
        )
        traveller.shift(timedelta(days=7, hours=2))
        followups_send_due()
        intake.follow_up.refresh_from_db()
        f_token = follow_up_token(intake.follow_up)
        client.get(f"/f/{f_token}/?answer=worse")
        client.post(
            "/api/v1/follow-ups/response/",
            json.dumps({"token": f_token, "answer": "worse", "pain_now": 5}),
            content_type="application/json",
        )
        staff = get_user_model().objects.create_superuser("boss", "boss@clinic.example", "x")
        client.force_login(staff)
        client.get("/staff/")
        client.get(f"/staff/intakes/{intake.pk}/")
        client.get("/staff/?q=Quinn")
        client.get("/staff/messages/")
    # The journey really ran: the follow-up was answered and routed, messages were written.
    intake.follow_up.refresh_from_db()
    assert intake.follow_up.answer == "worse"
    assert intake.referrals.filter(reason="not_improving").exists()
    assert intake.appointments.exists()
    assert len(caplog.records) > 0
    logged = "\n".join(
        f"{r.name} {r.getMessage()} {r.args!r} {getattr(r, 'exc_text', '') or ''}"
        for r in caplog.records
    )
    found = [secret for secret in SECRETS if secret in logged]
    assert found == [], found

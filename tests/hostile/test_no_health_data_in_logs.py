"""A whole patient journey, every log record captured: no name, contact or answer in them."""

import contextlib
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


def _logged(records) -> str:
    return "\n".join(
        f"{r.name} {r.getMessage()} {r.args!r} {getattr(r, 'exc_text', '') or ''}" for r in records
    )


def _signatures(*tokens: str) -> list[str]:
    """The part of a token that makes it valid: its signature (after the last colon)."""
    return [token.rsplit(":", 1)[-1] for token in tokens]


def test_a_full_journey_with_refusals_logs_no_valid_token(
    client, caplog, settings, django_capture_on_commit_callbacks
):
    """Every 4xx Django logs names its path; a patient token in that path must be blanked."""
    caplog.set_level(logging.DEBUG)
    with (
        time_machine.travel(NOW, tick=False) as traveller,
        django_capture_on_commit_callbacks(execute=True),
    ):
        make_clinician()
        created = client.post(
            "/api/v1/intakes/", json.dumps(factories.body()), content_type="application/json"
        ).json()
        intake = Intake.objects.get(pk=created["id"])
        token = intake_token(intake)
        client.get(f"/intake/r/{token}/")
        client.post(f"/intake/r/{token}/advice.pdf")  # 405
        client.get(f"/intake/r/{token}/nothing-here/")  # 404
        client.get(f"/api/v1/intakes/{token}/")
        client.delete(f"/api/v1/intakes/{token}/")  # 405
        client.get(f"/book/{token}/?slot=nonsense")  # 400
        client.get(f"/intake/r/{token[:-2]}xx/")  # a tampered token: 404
        client.get(f"/api/v1/intakes/{token.replace(':', '%3A')}x/")
        traveller.shift(timedelta(days=7, hours=2))
        followups_send_due()
        intake.follow_up.refresh_from_db()
        f_token = follow_up_token(intake.follow_up)
        client.get(f"/f/{f_token}/?answer=nonsense")  # 400
        client.post(f"/f/{f_token}/", {"answer": "nonsense"})
        traveller.shift(timedelta(days=400))
        client.get(f"/intake/r/{token}/")  # expired: 410
        client.get(f"/f/{f_token}/")
    statuses = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert len(statuses) >= 5, statuses  # the refusals really were logged
    logged = _logged(caplog.records)
    found = [part for part in _signatures(token, f_token) if part in logged]
    assert found == [], logged


def test_gunicorns_access_log_blanks_tokens(tmp_path):
    """The compose web service runs gunicorn with gunicorn.conf.py: its access log line for a
    token URL must not hold the token."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request
    from pathlib import Path

    from django.core.signing import TimestampSigner

    root = Path(__file__).resolve().parents[2]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = TimestampSigner(salt="any").sign("eyJpZCI6NCwicCI6ImludGFrZSJ9")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "clinic.wsgi:application",
        ],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for _ in range(300):  # up to 30 s on a busy machine
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:  # refused while starting, or a read that timed out under load
                time.sleep(0.1)
        for path in (f"/intake/r/{token}/", f"/f/{token}/?answer=better"):
            with contextlib.suppress(urllib.error.HTTPError):
                # The first page imports the renderers: seconds on a loaded 2-core machine.
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30)
        time.sleep(0.5)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert "/intake/r/[token]/" in output, output
    assert token.rsplit(":", 1)[-1] not in output, output
    # ... and that is the configuration the image and compose run.
    compose = (root / "docker-compose.yml").read_text()
    assert '"--config", "gunicorn.conf.py"' in compose
    assert '"--config", "gunicorn.conf.py"' in (root / "Dockerfile").read_text()

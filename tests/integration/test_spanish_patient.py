"""A Spanish-speaking patient, through the API, on real services (a Celery worker, Redis and
PostgreSQL): Spanish result, sheet, plan, follow-up a week later, booking and .ics."""

import io
import json
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pypdf
import pytest

from bench import harness
from clinic.messaging.models import Message
from intake.advice import advice_sheet_key
from intake.models import FollowUp, Intake
from referrals.models import Appointment
from tests.support import factories
from tests.support.booking import book, make_clinician, open_slots
from tests.support.worker_stack import Stack, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]
RUNNERS_KNEE_ES = "Rodilla del corredor (dolor alrededor de la rótula)"


def sent(purpose: str) -> Message | None:
    return Message.objects.filter(purpose=purpose, status="sent").first()


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


# Long on purpose: one patient's whole episode, step by step, as the "done when" reads.
def test_a_spanish_patient_gets_everything_in_spanish_on_real_services(client, stack: Stack):
    stack.worker()
    patient = factories.patient(channel="sms", timezone=harness.daytime_zone(), language="es")
    response = client.post(
        "/api/v1/intakes/",
        data=json.dumps({"patient": patient, "answers": factories.answers()}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["patient"]["language"] == "es"
    assert data["triage"]["pattern_name"] == RUNNERS_KNEE_ES
    intake = Intake.objects.select_related("patient", "outcome").get(pk=data["id"])

    # The result page, opened from the patient's link in a Spanish browser.
    result = urlsplit(data["links"]["result"]).path
    page = client.get(result, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="es">' in page and RUNNERS_KNEE_ES in page

    # "Your plan", texted by the worker, in Spanish.
    assert wait_for(lambda: sent("intake_plan") is not None, timeout=30), stack.logs()
    plan = sent("intake_plan")
    assert plan.language == "es"
    assert "su plan para la rodilla está en" in plan.body_text

    # The advice sheet the worker stored: its own key, the clinical texts in Spanish.
    key = advice_sheet_key(intake.outcome)
    assert key.endswith(".es.pdf")
    sheet = stack.tmp / "var" / "media" / key
    assert wait_for(sheet.exists, timeout=60), stack.logs()
    text = pdf_text(sheet)
    assert "Rodilla del corredor" in text and "Esto no es un diagnóstico" in text

    # The check-in a week later, sent by the scan, in Spanish.
    due = FollowUp.objects.get(intake=intake).due_at + timedelta(minutes=1)
    assert "follow-ups sent: 1" in stack.manage("send_due_followups", "--now", due.isoformat())
    assert wait_for(lambda: sent("follow_up") is not None, timeout=30), stack.logs()
    assert "¿cómo está su rodilla comparada con la semana pasada?" in sent("follow_up").body_text

    # The booking confirmation and the calendar file.
    make_clinician()
    booked = book(client, slot=open_slots()[0], intake=intake)
    assert booked.status_code == 201, booked.content
    assert wait_for(lambda: sent("appointment_confirmation") is not None, timeout=30)
    confirmation = sent("appointment_confirmation").body_text
    assert "su segunda opinión gratuita es el" in confirmation and " de 2026, " in confirmation
    appointment = Appointment.objects.get(intake=intake)
    ics_path = urlsplit(booked.json()["links"]["ics"]).path
    ics = client.get(ics_path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Segunda opinión gratuita con" in ics and "Cambiar o cancelar:" in ics
    assert appointment.patient.language == "es"

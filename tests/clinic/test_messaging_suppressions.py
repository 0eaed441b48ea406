"""The suppression list: an opt-out holds per channel and address, for every later intake."""

import ast
from pathlib import Path

import pytest
import time_machine
from django.core import mail

from clinic.messaging.inbound import sms_inbound_receive
from clinic.messaging.models import Message, Suppression
from clinic.messaging.recipients import Recipient, address_normalise
from clinic.messaging.services import message_queue, message_send
from clinic.messaging.sms import outbox
from clinic.messaging.suppressions import (
    opt_out_url,
    suppressed,
    suppression_add,
    suppression_lift,
)
from intake.models import Patient
from intake.recipients import patient_recipient
from tests.support.factories import patient_row

PHONE = "+12025550143"
DAYTIME = "2026-06-10T16:00:00+00:00"  # 12:00 in New York, 17:00 in London


@pytest.fixture(autouse=True)
def _daytime():
    with time_machine.travel(DAYTIME, tick=False):
        yield


def _send(patient: Patient, *, channel: str, key: str) -> Message:
    """Queue and send one reply to this patient, as the code of a later intake would."""
    message = message_queue(
        template="message_fallback" if channel == "email" else "sms_opt_in_confirm",
        purpose="test",
        idempotency_key=key,
        recipient=patient_recipient(patient, channel=channel),
        context={"text": "Hello"},
        about=f"intake:{patient.pk}",
    )
    sent = message_send(message_id=message.pk)
    assert sent is not None
    return sent


# --- Normalisation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["+12025550143", "+1 202 555 0143", "(202) 555-0143", "202.555.0143", " 2025550143 "],
)
def test_a_phone_is_normalised_to_e164(typed):
    assert address_normalise(channel="sms", address=typed) == PHONE
    assert Recipient(channel="sms", address=typed).address == PHONE


def test_a_foreign_phone_keeps_its_country():
    assert address_normalise(channel="sms", address="+44 20 7946 0958") == "+442079460958"


def test_a_short_code_that_is_no_phone_number_is_kept_as_given():
    assert address_normalise(channel="sms", address=" 12345 ") == "12345"


def test_an_email_is_stripped_and_lower_cased():
    assert address_normalise(channel="email", address="  Sam@Example.COM ") == "sam@example.com"
    recipient = Recipient(channel="sms", address=PHONE, fallback_email="SAM@example.com")
    assert recipient.fallback_email == "sam@example.com"


@pytest.mark.django_db
def test_a_suppression_is_stored_normalised_and_once():
    first = suppression_add(channel="sms", address="(202) 555-0143", source="staff")
    again = suppression_add(channel="sms", address=PHONE, source="sms_stop")
    assert first.pk == again.pk
    assert (again.address, again.source) == (PHONE, "staff")  # the first opt-out's time holds
    assert suppressed(channel="sms", address="202-555-0143")
    assert not suppressed(channel="email", address=PHONE)


# --- Across intakes --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stop_on_one_intake_suppresses_a_message_for_a_later_intake_with_that_number():
    patient_row()
    sms_inbound_receive(from_number="+1 (202) 555-0143", body="STOP", provider_id="SM1")
    later = patient_row(name="Sam on a new intake")
    message = _send(later, channel="sms", key="later")
    assert (message.status, message.error) == ("skipped", "recipient opted out")
    assert outbox.messages == []


@pytest.mark.django_db
def test_start_opts_back_in_for_sms_only():
    patient = patient_row()
    sms_inbound_receive(from_number=PHONE, body="STOP", provider_id="SM1")
    suppression_add(channel="email", address=patient.email, source="email_link")
    sms_inbound_receive(from_number=PHONE, body="START", provider_id="SM2")
    later = patient_row(name="Sam on a new intake")
    assert _send(later, channel="sms", key="text").status == "sent"
    assert _send(later, channel="email", key="mail").status == "skipped"
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_email_link_suppresses_email_for_later_intakes_and_leaves_sms_alone(client):
    first = patient_row(channel="email")
    message = _send(first, channel="email", key="first")
    assert message.status == "sent"
    response = client.post(opt_out_url(message.pk).removeprefix("http://testserver"))
    assert response.status_code == 200
    later = patient_row(email="  SAM@Example.com", name="Sam on a new intake")
    assert _send(later, channel="email", key="later-mail").status == "skipped"
    assert _send(later, channel="sms", key="later-text").status == "sent"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_message_queued_before_the_opt_out_is_not_sent_after_it():
    patient = patient_row()
    # Its send task waits for a commit that this test never makes: it is still queued.
    message = message_queue(
        template="sms_opt_in_confirm",
        purpose="test",
        idempotency_key="queued-first",
        recipient=patient_recipient(patient),
        context={},
        about="intake:1",
    )
    assert message.status == "queued"
    sms_inbound_receive(from_number=PHONE, body="stop", provider_id="SM9")
    message = message_send(message_id=message.pk)
    assert (message.status, message.error) == ("skipped", "recipient opted out")
    assert outbox.messages == []


@pytest.mark.django_db
def test_a_lifted_suppression_lets_messages_go_again():
    patient = patient_row(channel="email")
    suppression_add(channel="email", address=patient.email, source="staff")
    assert suppression_lift(channel="email", address="SAM@example.com") == 1
    assert _send(patient, channel="email", key="again").status == "sent"
    assert not Suppression.objects.exists()


# --- Layers ------------------------------------------------------------------------------------


def test_no_messaging_module_imports_an_app():
    package = Path(__file__).resolve().parents[2] / "clinic" / "messaging"
    offenders = []
    for path in package.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {name}"
                for name in names
                if name.split(".")[0] in {"intake", "referrals", "dashboard"}
            ]
    assert offenders == []

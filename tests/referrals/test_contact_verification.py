"""A reachable contact before the first booking (issue 13 #9): a code by SMS or a link by
email, confirmed once per intake; and caps on open appointments per contact and per address."""

import json
import re

import pytest

from clinic.messaging.models import Message
from intake.links import intake_token
from referrals.models import Appointment
from tests.support import factories
from tests.support.booking import book, make_clinician, open_slots, verify_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def slots(clinician):
    return open_slots()


def _api_book(client, intake, slot, **meta):
    body = json.dumps({"slot": slot.pk, "token": intake_token(intake)})
    return client.post("/api/v1/appointments/", body, content_type="application/json", **meta)


def _unverified(channel: str = "email", **patient):
    return factories.make_intake(
        duration_days=10, patient_overrides={"channel": channel, **patient}
    )


def test_the_api_refuses_a_booking_before_the_contact_is_confirmed(client, clock, slots):
    intake = _unverified()
    response = _api_book(client, intake, slots[0])
    assert response.status_code == 403
    assert response.json()["type"] == "contact_not_verified"
    assert not Appointment.objects.exists()


def test_the_booking_pages_send_an_unconfirmed_patient_to_the_check_first(client, clock, slots):
    intake = _unverified()
    token = intake_token(intake)
    for response in (
        client.get(f"/book/{token}/"),
        client.get(f"/book/{token}/confirm/?slot={slots[0].pk}"),
        client.post(f"/book/{token}/confirm/", {"slot": slots[0].pk}),
    ):
        assert response.status_code == 302
        assert response["Location"] == f"/book/{token}/verify/"
    assert not Appointment.objects.exists()


def test_an_sms_code_confirms_the_phone_and_opens_booking(client, clock, slots):
    intake = _unverified("sms")
    token = intake_token(intake)
    assert client.get(f"/book/{token}/verify/").status_code == 200
    assert not Message.objects.filter(template="contact_verify").exists()  # a GET sends nothing
    client.post(f"/book/{token}/verify/", {"send": "1"})
    text = Message.objects.get(template="contact_verify")
    assert text.channel == "sms"
    code = re.search(r"\b(\d{6})\b", text.body_text).group(1)
    wrong = "000000" if code != "000000" else "111111"
    assert client.post(f"/book/{token}/verify/", {"code": wrong}).status_code == 400
    response = client.post(f"/book/{token}/verify/", {"code": code})
    assert response.status_code == 302 and response["Location"] == f"/book/{token}/"
    assert client.get(f"/book/{token}/").status_code == 200
    assert _api_book(client, intake, slots[0]).status_code == 201


def test_guessing_the_code_stops_after_five_tries(client, clock, slots):
    intake = _unverified("sms")
    token = intake_token(intake)
    client.post(f"/book/{token}/verify/", {"send": "1"})
    code = re.search(r"\b(\d{6})\b", Message.objects.get().body_text).group(1)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        client.post(f"/book/{token}/verify/", {"code": wrong})
    assert client.post(f"/book/{token}/verify/", {"code": code}).status_code == 400
    assert _api_book(client, intake, slots[0]).status_code == 403


def test_an_emailed_link_confirms_the_address_and_opens_booking(client, clock, slots):
    intake = _unverified("email")
    token = intake_token(intake)
    client.post(f"/book/{token}/verify/", {"send": "1"})
    email = Message.objects.get(template="contact_verify")
    assert email.channel == "email"
    link = re.search(r"http://testserver(/book/verify/[^\s\"]+/)", email.body_text).group(1)
    response = client.get(link)
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert _api_book(client, intake, slots[0]).status_code == 201
    # The confirmation link opens nothing else.
    verify_token = link.split("/")[3]
    assert client.get(f"/intake/r/{verify_token}/").status_code == 404
    assert client.get(f"/book/{verify_token}/").status_code == 404


def test_open_appointments_are_capped_per_contact(client, clock, slots, settings):
    settings.BOOKING_MAX_OPEN_PER_CONTACT = 2
    intakes = [_unverified(email="same@example.com", phone="+1 202 555 0199") for _ in range(3)]
    for intake in intakes:
        verify_contact(intake)
    ips = ("10.0.0.1", "10.0.0.2", "10.0.0.3")
    results = [_api_book(client, i, s, REMOTE_ADDR=ip) for i, s, ip in zip(intakes, slots, ips)]
    assert [r.status_code for r in results] == [201, 201, 429]
    assert results[2].json()["type"] == "booking_cap_reached"
    # Another phone but the same email is the same contact.
    other = _unverified(email="SAME@example.com", phone="+1 202 555 0100")
    verify_contact(other)
    assert _api_book(client, other, slots[3], REMOTE_ADDR="10.0.0.4").status_code == 429


def test_open_appointments_are_capped_per_client_address(client, clock, slots, settings):
    settings.BOOKING_MAX_OPEN_PER_ADDRESS = 2
    intakes = [
        _unverified(email=f"p{n}@example.com", phone=f"+1 202 555 01{n:02d}") for n in range(3)
    ]
    codes = []
    for intake, slot in zip(intakes, slots):
        codes.append(book(client, slot=slot, intake=intake).status_code)
    assert codes == [201, 201, 429]
    # Cancelling frees the room again.
    first = Appointment.objects.order_by("pk").first()
    from referrals import services

    services.appointment_cancel(appointment=first)
    assert book(client, slot=slots[2], intake=intakes[2]).status_code == 201


def test_front_desk_booking_needs_no_patient_check(db, clock):
    """Staff have reached the patient themselves; the staff page books without the check."""
    make_clinician(username="dr.other", name="Dr. Other")
    intake = _unverified()
    from referrals import services

    assert services.appointment_book(intake=intake, slot_id=open_slots()[0].pk).pk

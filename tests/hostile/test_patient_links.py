"""Every patient-token URL, tried with another patient's token, an expired token, a
tampered one and a token minted for another purpose: nothing of anyone leaks."""

from datetime import timedelta

import pytest
import time_machine

from clinic.messaging.models import Message
from clinic.messaging.suppressions import opt_out_url
from intake.links import follow_up_token, intake_token
from referrals import services as booking
from referrals.models import Slot
from referrals.selectors import appointment_token
from tests.support import factories
from tests.support.advice import pdf_squashed, squash
from tests.support.booking import make_clinician

pytestmark = pytest.mark.django_db

NOW = "2026-12-01 12:00:00Z"  # a Tuesday, 07:00 in New York: today's slots are bookable


@pytest.fixture
def two_patients(settings):
    settings.TIME_ZONE = "America/New_York"
    with time_machine.travel(NOW, tick=False):
        make_clinician()
        alex = factories.make_intake(duration_days=10)
        olive = factories.make_intake(
            duration_days=10,
            patient_overrides={"name": "Olive Other", "email": "olive@example.com"},
        )
        slots = list(Slot.objects.order_by("starts_at")[:2])
        alex_booking = booking.appointment_book(intake=alex, slot_id=slots[0].pk)
        olive_booking = booking.appointment_book(intake=olive, slot_id=slots[1].pk)
    return alex, olive, alex_booking, olive_booking


def _message_id(intake) -> int:
    """A message about this intake (the opt-out link signs a message id), or a made-up id."""
    found = Message.objects.filter(about=f"intake:{intake.pk}").values_list("pk", flat=True)
    return found.first() or 10_000 + intake.pk


def urls_for(intake, appointment) -> dict[str, str]:
    token = intake_token(intake)
    return {
        "result": f"/intake/r/{token}/",
        "sheet": f"/intake/r/{token}/advice.pdf",
        "booking": f"/book/{token}/",
        "intake api": f"/api/v1/intakes/{token}/",
        "follow-up": f"/f/{follow_up_token(intake.follow_up)}/?answer=better",
        "appointment": f"/book/appointment/{appointment_token(appointment)}/",
        "calendar": f"/book/appointment/{appointment_token(appointment)}/calendar.ics",
        "opt-out": opt_out_url(_message_id(intake)).removeprefix("http://testserver"),
    }


def readable(response) -> str:
    """What a reader of the response sees: a PDF's text (its bytes are compressed)."""
    if response.get("Content-Type") == "application/pdf":
        return pdf_squashed(response.content)
    return squash(response.content.decode(errors="replace"))


def leaks(response, *intakes) -> list[str]:
    body = readable(response)
    return [
        value
        for intake in intakes
        # The sheet and the messages greet by first name: look for that too.
        for value in (intake.patient.name, intake.patient.first_name, intake.patient.email)
        if squash(value) in body
    ]


def test_a_token_opens_only_its_own_patients_records(client, two_patients):
    alex, olive, alex_booking, olive_booking = two_patients
    with time_machine.travel(NOW, tick=False):
        for name, url in urls_for(alex, alex_booking).items():
            response = client.get(url, follow=True)  # booking leads on to the appointment
            assert response.status_code == 200, (name, response.status_code)
            assert leaks(response, olive) == [], name
        # The check can see a name where one is printed: Alex's own, on Alex's sheet.
        sheet = client.get(urls_for(alex, alex_booking)["sheet"])
        assert squash(alex.patient.first_name) in readable(sheet)
        # The token decides whose record opens, not the order of the rows.
        assert client.get(urls_for(alex, alex_booking)["intake api"]).json()["id"] == alex.pk
        assert client.get(urls_for(olive, olive_booking)["intake api"]).json()["id"] == olive.pk


def _tamper(url: str) -> str:
    path, _, query = url.partition("?")
    parts = path.rstrip("/").split("/")
    token_index = max(i for i, part in enumerate(parts) if ":" in part)
    parts[token_index] = parts[token_index][:-3] + (
        "abc" if not parts[token_index].endswith("abc") else "xyz"
    )
    return "/".join(parts) + ("/" if path.endswith("/") else "") + (f"?{query}" if query else "")


def test_tampered_tokens_open_nothing(client, two_patients):
    alex, olive, alex_booking, _ = two_patients
    with time_machine.travel(NOW, tick=False):
        for name, url in urls_for(alex, alex_booking).items():
            response = client.get(_tamper(url))
            assert response.status_code in (400, 404), (name, response.status_code)
            assert leaks(response, alex, olive) == [], name


def test_expired_tokens_open_nothing(client, two_patients, settings):
    alex, olive, alex_booking, _ = two_patients
    with time_machine.travel(NOW, tick=False):
        urls = urls_for(alex, alex_booking)
    later = settings.PATIENT_LINK_MAX_AGE + timedelta(days=1)
    with time_machine.travel(NOW, tick=False) as traveller:
        traveller.shift(later)
        for name, url in urls.items():
            response = client.get(url)
            # An opt-out link keeps working however old the email is: stopping messages
            # must never fail. It shows no one's details either way.
            allowed = (200, 404, 410) if name == "opt-out" else (404, 410)
            assert response.status_code in allowed, (name, response.status_code)
            assert leaks(response, alex, olive) == [], name


def test_a_token_for_one_purpose_opens_nothing_elsewhere(client, two_patients):
    alex, olive, alex_booking, _ = two_patients
    with time_machine.travel(NOW, tick=False):
        appointment = appointment_token(alex_booking)
        wrong = {
            "result": f"/intake/r/{appointment}/",
            "sheet": f"/intake/r/{appointment}/advice.pdf",
            "booking": f"/book/{appointment}/",
            "intake api": f"/api/v1/intakes/{appointment}/",
            "follow-up": f"/f/{intake_token(alex)}/?answer=better",
            "appointment": f"/book/appointment/{intake_token(alex)}/",
        }
        for name, url in wrong.items():
            response = client.get(url)
            assert response.status_code in (400, 404), (name, response.status_code)
            assert leaks(response, alex, olive) == [], name

"""`seed_demo` gives `make run` two bookable clinicians at once, and can run again."""

import io
import json

import pytest
from django.core.management import call_command

from intake.links import intake_token
from referrals.models import Clinician, Slot
from tests.support import factories
from tests.support.booking import verify_contact

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_two_clinicians_with_slots_ready_to_book(client, clock):
    call_command("seed_demo", stdout=io.StringIO())
    slots = Slot.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Slot.objects.count() == slots > 0
    clinicians = Clinician.objects.select_related("user")
    assert clinicians.count() == 2
    for clinician in clinicians:
        assert clinician.user.is_staff
        assert clinician.title == (
            "Board Certified Orthopedic and Sports Medicine Clinical Specialist"
        )
        assert clinician.weekly_hours.count() > 0
    listed = client.get("/api/v1/slots/").json()
    assert listed["count"] > 0
    intake = factories.make_intake(duration_days=10)
    verify_contact(intake)
    response = client.post(
        "/api/v1/appointments/",
        json.dumps({"slot": listed["results"][0]["id"], "token": intake_token(intake)}),
        content_type="application/json",
    )
    assert response.status_code == 201

"""The booking cast's helpers: the fixed clock, a clinician with weekday mornings, and
requests that book or post JSON."""

import json
import re
from datetime import UTC, datetime, time

from django.contrib.auth import get_user_model

from intake.links import intake_token
from referrals import selectors, services
from referrals.models import Clinician, Slot, WeeklyAvailability

# Tuesday 1 December 2026, 09:00 in New York (EST, UTC-5), 14:00 in London (GMT).
NOW = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
TITLE = "Board Certified Orthopedic and Sports Medicine Clinical Specialist"


def make_clinician(
    *,
    username: str = "dr.rivera",
    name: str = "Dr. Maya Rivera",
    hours: tuple[tuple[int, int], ...] = ((9, 12),),
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4),
    generate: bool = True,
) -> Clinician:
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@clinic.example", is_staff=True
    )
    clinician = Clinician.objects.create(user=user, display_name=name, title=TITLE)
    for day in weekdays:
        for start, end in hours:
            WeeklyAvailability.objects.create(
                clinician=clinician, weekday=day, starts=time(start), ends=time(end)
            )
    if generate:
        services.slot_generate(clinician=clinician)
    return clinician


def open_slots() -> list[Slot]:
    return list(selectors.slot_open_queryset())


def book(client, *, slot, intake=None, token=None, extra: dict | None = None):
    body = {"slot": slot if isinstance(slot, int | str) else slot.pk}
    if intake is not None:
        verify_contact(intake)
    body["token"] = token if token is not None else intake_token(intake)
    body.update(extra or {})
    return client.post("/api/v1/appointments/", json.dumps(body), content_type="application/json")


def post_json(client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def verify_contact(intake) -> None:
    """Mark the intake's contact as confirmed, as the code or emailed link would (booking by
    the patient needs it since issue 13 #9; tests/referrals/test_contact_verification.py
    covers the real steps)."""
    from django.utils import timezone

    from referrals.models import ContactVerification

    patient = intake.patient
    ContactVerification.objects.update_or_create(
        intake=intake,
        defaults={
            "channel": patient.channel,
            "address": patient.email if patient.channel == "email" else patient.phone,
            "verified_at": timezone.now(),
        },
    )


# --- Reading the picker (templates/referrals/book.html) -------------------------------------


def picker_days(html: str) -> list[str]:
    """The day strip's days, as their links name them (`2026-12-01`)."""
    strip = html[html.index('class="day-strip"') :]
    strip = strip[: strip.index("</ul>")]
    return re.findall(r"\?day=(\d{4}-\d{2}-\d{2})", strip)


def picker_current_day(html: str) -> str:
    """The day the page shows: the strip's link marked current."""
    found = re.search(r'\?day=(\d{4}-\d{2}-\d{2})[^"]*" aria-current="true"', html)
    assert found is not None, "no current day in the strip"
    return found.group(1)


def picker_slots(html: str) -> dict[int, str]:
    """The day's grid: slot id → its time as shown (`4:00 pm`)."""
    found = re.findall(r'name="slot" value="(\d+)" id="slot-\d+" data-time="([^"]+)"', html)
    return {int(slot_id): time for slot_id, time in found}

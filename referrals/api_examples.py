"""Worked examples for the booking API, shown on /api/docs/.

The token is the intake's patient token (the `token` of `POST /api/v1/intakes/`); slot ids
come from `GET /api/v1/slots/`.
"""

from drf_spectacular.utils import OpenApiExample

from intake.api_examples import BASE, TOKEN

# An appointment's own links carry the appointment's token, not the intake's.
APPOINTMENT_TOKEN = "eyJpZCI6NywicCI6ImFwcG9pbnRtZW50In0:1xXjP2:Qm9va2VkX2V4YW1wbGVfdG9rZW4"  # noqa: S105 (an example)

APPOINTMENT = {
    "id": 7,
    "slot": 42,
    "clinician": {"id": 3, "name": "Dr Sam Okafor", "title": "Sports physician"},
    "starts_at": "2026-11-30T14:00:00+00:00",
    "ends_at": "2026-11-30T14:30:00+00:00",
    "links": {
        "cancel": f"{BASE}book/appointment/{APPOINTMENT_TOKEN}/cancel/",
        "reschedule": f"{BASE}book/appointment/{APPOINTMENT_TOKEN}/reschedule/",
        "ics": f"{BASE}book/appointment/{APPOINTMENT_TOKEN}/calendar.ics",
    },
}

SLOTS_LIST = [
    # One slot: drf-spectacular puts a list view's example inside the page envelope
    # (count, next, previous, results) itself.
    OpenApiExample(
        "An open slot",
        value={
            "id": 42,
            "clinician": APPOINTMENT["clinician"],
            "starts_at": APPOINTMENT["starts_at"],
            "ends_at": APPOINTMENT["ends_at"],
        },
        response_only=True,
        status_codes=["200"],
    ),
]

APPOINTMENT_CREATE = [
    OpenApiExample(
        "Book slot 42",
        value={"slot": 42, "token": TOKEN},
        request_only=True,
    ),
    OpenApiExample("Booked", value=APPOINTMENT, response_only=True, status_codes=["201"]),
]

APPOINTMENT_CANCEL = [
    OpenApiExample("Cancel", value={"token": TOKEN}, request_only=True),
    OpenApiExample(
        "Cancelled",
        value={**APPOINTMENT, "status": "cancelled"},
        response_only=True,
        status_codes=["200"],
    ),
]

APPOINTMENT_RESCHEDULE = [
    OpenApiExample("Move to slot 43", value={"slot": 43, "token": TOKEN}, request_only=True),
    OpenApiExample(
        "Moved",
        value={**APPOINTMENT, "slot": 43, "status": "booked"},
        response_only=True,
        status_codes=["200"],
    ),
]

CONTACT_VERIFICATION_SEND = [
    OpenApiExample("Send the check", value={"token": TOKEN}, request_only=True),
    OpenApiExample(
        "A code is on its way by SMS",
        value={"channel": "sms", "verified": False},
        response_only=True,
        status_codes=["200"],
    ),
]

CONTACT_VERIFICATION_CONFIRM = [
    OpenApiExample("The texted code", value={"token": TOKEN, "code": "493817"}, request_only=True),
    OpenApiExample(
        "Confirmed: booking is open",
        value={"channel": "sms", "verified": True},
        response_only=True,
        status_codes=["200"],
    ),
]

"""The booking API: open slots, booking, a lost race, cancelling and moving, bad input."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.links import link_token_make
from intake.links import intake_token
from intake.models import Intake, Referral
from referrals import services
from referrals.models import Appointment, Slot
from tests.support import factories
from tests.support.booking import NOW, book, make_clinician, open_slots, post_json, verify_contact

pytestmark = pytest.mark.django_db
OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


# --- GET /api/v1/slots/ -------------------------------------------------------------------


def test_it_lists_open_slots_with_offsets_paginated_and_public(client, clinician):
    response = client.get("/api/v1/slots/")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] == len(open_slots()) > 50
    assert data["next"] is not None
    first = data["results"][0]
    assert set(first) == {"id", "clinician", "starts_at", "ends_at"}
    assert first["clinician"] == {
        "id": clinician.pk,
        "name": "Dr. Maya Rivera",
        "title": "Board Certified Orthopedic and Sports Medicine Clinical Specialist",
    }
    # The first open time is 11:00 in New York: 09:00–10:30 are inside the 2 hours' notice.
    assert first["starts_at"] == "2026-12-01T11:00:00-05:00"
    assert first["ends_at"] == "2026-12-01T11:30:00-05:00"
    assert all(OFFSET.match(slot["starts_at"]) for slot in data["results"])
    assert client.get(data["next"]).json()["results"][0]["id"] != first["id"]


def test_it_filters_slots_by_clinician_and_date_range(client, clinician):
    other = make_clinician(username="dr.okafor", name="Dr. Daniel Okafor", hours=((13, 14),))
    mine = client.get(f"/api/v1/slots/?clinician={other.pk}").json()
    assert {s["clinician"]["id"] for s in mine["results"]} == {other.pk}
    day = client.get(
        "/api/v1/slots/?starts_from=2026-12-03&starts_before=2026-12-04T00:00:00-05:00"
    ).json()
    assert day["count"] == 8  # six morning slots and two afternoon ones on Thursday
    assert {s["starts_at"][:10] for s in day["results"]} == {"2026-12-03"}


def test_it_refuses_bad_slot_filters_field_by_field(client, clinician):
    response = client.get("/api/v1/slots/?clinician=abc&starts_from=tomorrow")
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert set(body["errors"]) == {"clinician", "starts_from"}
    reversed_range = client.get("/api/v1/slots/?starts_from=2026-12-05&starts_before=2026-12-04")
    assert reversed_range.json()["errors"] == {"starts_before": ["Must be after starts_from."]}


def test_a_booked_slot_is_no_longer_listed(client, clinician, intake):
    slot = open_slots()[0]
    assert book(client, slot=slot, intake=intake).status_code == 201
    ids = {s["id"] for s in client.get("/api/v1/slots/?starts_before=2026-12-02").json()["results"]}
    assert slot.pk not in ids


# --- POST /api/v1/appointments/ -----------------------------------------------------------


def test_it_books_a_slot_with_the_contract_shape(client, clinician, intake):
    slot = open_slots()[0]
    response = book(client, slot=slot, intake=intake)
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"id", "slot", "clinician", "starts_at", "ends_at", "links"}
    assert set(data["links"]) == {"cancel", "reschedule", "ics"}
    assert data["slot"] == slot.pk
    assert data["starts_at"] == "2026-12-01T11:00:00-05:00"
    assert data["links"]["ics"].startswith("http://testserver/book/appointment/")
    appointment = Appointment.objects.get(pk=data["id"])
    assert (appointment.intake, appointment.patient) == (intake, intake.patient)
    assert (appointment.status, appointment.kind) == ("booked", "second_opinion")
    assert appointment.starts_at == slot.starts_at


def test_booking_opens_one_second_opinion_referral_for_the_intake(client, clinician, intake):
    slots = open_slots()
    book(client, slot=slots[0], intake=intake)
    appointment = Appointment.objects.get()
    services.appointment_cancel(appointment=appointment)
    assert book(client, slot=slots[1], intake=intake).status_code == 201
    referral = Referral.objects.get()
    assert (referral.intake, referral.reason, referral.status) == (
        intake,
        "second_opinion",
        "open",
    )


def test_a_taken_slot_is_a_409_with_three_alternatives(client, clinician, intake, outsider):
    slot = open_slots()[0]
    book(client, slot=slot, intake=intake)
    response = book(client, slot=slot, intake=outsider)
    assert response.status_code == 409
    body = response.json()
    assert body["type"] == "slot_taken"
    assert [a["starts_at"] for a in body["alternatives"]] == [
        "2026-12-01T11:30:00-05:00",
        "2026-12-02T09:00:00-05:00",
        "2026-12-02T09:30:00-05:00",
    ]
    assert body["alternatives"][0] == client.get("/api/v1/slots/").json()["results"][0]
    assert Appointment.objects.count() == 1


def test_a_race_lost_at_the_database_is_a_409_not_a_500(
    client, clinician, intake, outsider, monkeypatch
):
    """Skip the friendly pre-check, as when two requests pass it at the same moment: the
    conditional unique constraint refuses the second insert."""
    slot = open_slots()[0]
    book(client, slot=slot, intake=intake)
    monkeypatch.setattr(
        services, "_slot_for_booking", lambda *, slot_id, now: Slot.objects.get(pk=slot_id)
    )
    response = book(client, slot=slot, intake=outsider)
    assert response.status_code == 409
    assert response.json()["type"] == "slot_taken"
    assert len(response.json()["alternatives"]) == 3
    assert Appointment.objects.count() == 1


def test_a_second_booking_for_the_same_intake_is_refused(client, clinician, intake):
    slots = open_slots()
    first = book(client, slot=slots[0], intake=intake).json()
    response = book(client, slot=slots[1], intake=intake)
    assert response.status_code == 409
    assert response.json()["type"] == "already_booked"
    assert response.json()["appointment"] == first["id"]
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (timedelta(hours=-1), "This time is in the past."),
        (timedelta(minutes=75), "Appointments must be booked at least 2 hours ahead."),
        (timedelta(days=30), "Appointments can be booked up to 28 days ahead."),
    ],
)
def test_it_refuses_a_slot_in_the_past_inside_the_notice_or_past_the_horizon(
    client, clinician, intake, when, message
):
    slot = Slot.objects.create(
        clinician=clinician, starts_at=NOW + when, ends_at=NOW + when + timedelta(minutes=30)
    )
    response = book(client, slot=slot, intake=intake)
    assert response.status_code == 400
    assert response.json()["errors"] == {"slot": [message]}
    assert Appointment.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"slot": 999999}, {"slot": ["There is no such slot."]}),
        ({"slot": "ten"}, {"slot": ["A valid integer is required."]}),
        ({"slot": None}, {"slot": ["This field may not be null."]}),
        ({"token": None}, {"token": ["This field may not be null."]}),
        ({"colour": "blue"}, {"colour": ["Unknown field."]}),
    ],
)
def test_it_refuses_bad_fields_one_by_one(client, clinician, intake, body, errors):
    response = book(client, slot=open_slots()[0], intake=intake, extra=body)
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert Appointment.objects.count() == 0


def test_it_names_unknown_fields_with_the_other_bad_ones_in_one_answer(client, clinician, intake):
    response = book(client, slot=open_slots()[0], intake=intake, extra={"colour": 1, "slot": None})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "colour": ["Unknown field."],
        "slot": ["This field may not be null."],
    }


def test_it_names_every_missing_field(client, clinician):
    response = post_json(client, "/api/v1/appointments/", {})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "slot": ["This field is required."],
        "token": ["This field is required."],
    }
    assert post_json(client, "/api/v1/appointments/", []).status_code == 400


def test_it_refuses_tampered_and_foreign_purpose_tokens(client, clinician, intake):
    slot = open_slots()[0]
    tampered = book(client, slot=slot, token=intake_token(intake)[:-3] + "abc")
    assert (tampered.status_code, tampered.json()["type"]) == (404, "invalid_link")
    # A token for another purpose (here a follow-up link) never opens a booking.
    follow_up = link_token_make(purpose="follow_up", object_id=intake.pk)
    assert book(client, slot=slot, token=follow_up).status_code == 404
    assert Appointment.objects.count() == 0


def test_it_refuses_an_expired_token(client, clinician):
    with time_machine.travel(NOW - timedelta(days=91), tick=False):
        old = factories.make_intake(duration_days=10)
        token = intake_token(old)
    response = book(client, slot=open_slots()[0], token=token)
    assert (response.status_code, response.json()["type"]) == (410, "link_expired")


def test_an_urgent_case_cannot_book(client, clinician):
    urgent = factories.make_intake(red_flags=["calf_swelling_pain"])
    response = book(client, slot=open_slots()[0], intake=urgent)
    assert (response.status_code, response.json()["type"]) == (403, "booking_not_offered")
    assert Appointment.objects.count() == 0


# --- Cancel and reschedule ----------------------------------------------------------------


def test_the_token_holder_cancels_and_the_slot_opens_again(client, clinician, intake):
    slot = open_slots()[0]
    created = book(client, slot=slot, intake=intake).json()
    url = f"/api/v1/appointments/{created['id']}/cancel/"
    response = post_json(client, url, {"token": intake_token(intake)})
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["state"] == "cancelled"  # the one state selector's answer
    assert slot.pk in {s.pk for s in open_slots()}
    again = post_json(client, url, {"token": intake_token(intake)})
    assert (again.status_code, again.json()["type"]) == (409, "appointment_cancelled")
    move = post_json(
        client,
        f"/api/v1/appointments/{created['id']}/reschedule/",
        {"token": intake_token(intake), "slot": open_slots()[1].pk},
    )
    assert (move.status_code, move.json()["type"]) == (409, "appointment_cancelled")


def test_someone_elses_token_opens_nothing(client, clinician, intake, outsider):
    created = book(client, slot=open_slots()[0], intake=intake).json()
    for action, extra in (("cancel", {}), ("reschedule", {"slot": open_slots()[1].pk})):
        response = post_json(
            client,
            f"/api/v1/appointments/{created['id']}/{action}/",
            {"token": intake_token(outsider), **extra},
        )
        assert (response.status_code, response.json()["type"]) == (404, "not_found")
    assert Appointment.objects.get().status == "booked"


def test_rescheduling_moves_the_same_appointment_and_its_links_follow(client, clinician, intake):
    slots = open_slots()
    created = book(client, slot=slots[0], intake=intake).json()
    response = post_json(
        client,
        f"/api/v1/appointments/{created['id']}/reschedule/",
        {"token": intake_token(intake), "slot": slots[5].pk},
    )
    assert response.status_code == 200, response.content
    moved = response.json()
    assert moved["id"] == created["id"]
    assert moved["slot"] == slots[5].pk
    assert moved["starts_at"] == "2026-12-02T10:30:00-05:00"
    assert moved["links"] == created["links"]
    assert slots[0].pk in {s.pk for s in open_slots()}
    page = client.get(created["links"]["reschedule"].replace("reschedule/", ""))
    assert "Wednesday 2 December 2026, 3:30 pm (UK time)" in page.content.decode()


def test_rescheduling_to_a_taken_slot_is_a_409_and_changes_nothing(
    client, clinician, intake, outsider
):
    slots = open_slots()
    mine = book(client, slot=slots[0], intake=intake).json()
    book(client, slot=slots[1], intake=outsider)
    response = post_json(
        client,
        f"/api/v1/appointments/{mine['id']}/reschedule/",
        {"token": intake_token(intake), "slot": slots[1].pk},
    )
    assert (response.status_code, response.json()["type"]) == (409, "slot_taken")
    assert Appointment.objects.get(pk=mine["id"]).slot_id == slots[0].pk


def test_rescheduling_refuses_bad_slots_clearly(client, clinician, intake):
    slots = open_slots()
    mine = book(client, slot=slots[0], intake=intake).json()
    url = f"/api/v1/appointments/{mine['id']}/reschedule/"
    token = intake_token(intake)
    same = post_json(client, url, {"token": token, "slot": slots[0].pk})
    assert same.json()["errors"] == {"slot": ["This is already your appointment's time."]}
    missing = post_json(client, url, {"token": token})
    assert missing.json()["errors"] == {"slot": ["This field is required."]}
    unknown = post_json(client, url, {"token": token, "slot": 999999})
    assert unknown.json()["errors"] == {"slot": ["There is no such slot."]}


def test_an_appointment_that_has_begun_can_no_longer_change(client, clinician, intake, clock):
    mine = book(client, slot=open_slots()[0], intake=intake).json()
    clock.shift(timedelta(hours=3))
    response = post_json(
        client, f"/api/v1/appointments/{mine['id']}/cancel/", {"token": intake_token(intake)}
    )
    assert (response.status_code, response.json()["type"]) == (409, "appointment_past")


def test_the_booking_api_is_in_the_openapi_schema(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/slots/",
        "/api/v1/appointments/",
        "/api/v1/appointments/{appointment_id}/cancel/",
        "/api/v1/appointments/{appointment_id}/reschedule/",
    ):
        assert path in paths, path
    create = paths["/api/v1/appointments/"]["post"]["responses"]
    assert {"201", "400", "404", "409", "410"} <= set(create)


def test_the_intake_api_links_to_the_booking_page(client):
    created = post_json(client, "/api/v1/intakes/", factories.body(duration_days=10)).json()
    # The booking page, opened with the token the API gave (echoed, never a fresh one).
    assert created["links"]["book"] == f"http://testserver/book/{created['token']}/"
    verify_contact(Intake.objects.get(pk=created["id"]))
    assert client.get(created["links"]["book"]).status_code == 200
    urgent = post_json(client, "/api/v1/intakes/", factories.body(red_flags=["numb_cold_foot"]))
    assert "book" not in urgent.json()["links"]


@pytest.mark.parametrize("param", ["clinician", "starts_from", "starts_before"])
def test_an_empty_slot_filter_is_refused_not_ignored(client, param):
    response = client.get(f"/api/v1/slots/?{param}=")
    assert response.status_code == 400
    assert param in response.json()["errors"]


def test_an_empty_page_number_is_refused(client):
    response = client.get("/api/v1/slots/?page=")
    assert response.status_code == 400
    assert "page" in response.json()["errors"]


def test_booking_and_moving_read_the_clinicians_email_with_the_slot(clinician, intake):
    def lazy_user_loads(queries) -> list[str]:
        return [q["sql"] for q in queries if re.search(r'FROM "auth_user"', q["sql"])]

    slots = open_slots()
    with CaptureQueriesContext(connection) as booking:
        appointment = services.appointment_book(intake=intake, slot_id=slots[0].pk)
    with CaptureQueriesContext(connection) as moving:
        services.appointment_reschedule(appointment=appointment, slot_id=slots[3].pk)
    assert lazy_user_loads(booking) == []
    assert lazy_user_loads(moving) == []

"""Confirmation with a calendar file, clinician notices, and the day-before reminder found
by a beat scan of the database and sent once."""

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.messaging.models import Message
from clinic.messaging.sms import outbox
from intake.links import intake_token
from referrals import services, tasks
from referrals.models import Appointment
from referrals.selectors import appointment_token
from tests.support import factories
from tests.support.booking import book, open_slots, post_json

pytestmark = pytest.mark.django_db


def booked(client, intake, capture, *, index: int = 0) -> Appointment:
    with capture(execute=True):
        response = book(client, slot=open_slots()[index], intake=intake)
    assert response.status_code == 201, response.content
    return Appointment.objects.get(pk=response.json()["id"])


def test_the_patient_gets_a_confirmation_email_with_a_calendar_file(
    client, clinician, intake, django_capture_on_commit_callbacks
):
    appointment = booked(client, intake, django_capture_on_commit_callbacks)
    patient_mail = [m for m in mail.outbox if m.to == ["alex@example.com"]]
    assert len(patient_mail) == 1
    email = patient_mail[0]
    assert email.subject == (
        "Your free second opinion is booked: Tuesday 1 December 2026, 4:00 pm (UK time)"
    )
    links = client.get(f"/book/appointment/{appointment_token(appointment)}/").context["links"]
    assert links["cancel"] in email.body and links["reschedule"] in email.body
    [(filename, content, mimetype)] = email.attachments
    assert (filename, mimetype) == ("appointment.ics", "text/calendar")
    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "America/New_York"
    assert start.hour == 11
    assert start.astimezone(UTC) == datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    assert event.decoded("dtend") - start == timedelta(minutes=30)
    assert "VTIMEZONE" in content and "TZID:America/New_York" in content
    assert str(event["status"]) == "CONFIRMED"


def test_an_sms_patient_gets_the_calendar_link_instead_of_an_attachment(
    client, clinician, django_capture_on_commit_callbacks
):
    intake = factories.make_intake(
        duration_days=10, patient_overrides={"channel": "sms", "timezone": "America/Chicago"}
    )
    appointment = booked(client, intake, django_capture_on_commit_callbacks)
    [sms] = outbox.messages
    assert sms.to == "+12025550143"
    assert "Tuesday 1 December 2026, 10:00 am (Central Time)" in sms.body
    assert f"/book/appointment/{appointment_token(appointment)}/calendar.ics" in sms.body
    message = Message.objects.get(purpose="appointment_confirmation")
    assert message.attachments == [] and message.unprompted is False


def test_the_clinician_is_told_of_a_booking_and_of_a_cancellation(
    client, clinician, intake, django_capture_on_commit_callbacks
):
    appointment = booked(client, intake, django_capture_on_commit_callbacks)
    [notice] = [m for m in mail.outbox if m.to == ["dr.rivera@clinic.example"]]
    assert notice.subject == (
        "New second-opinion booking: Tuesday 1 December 2026, 11:00 am (Eastern Time)"
    )
    assert "knee" not in notice.body.lower()  # times and ids, no health data
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post_json(
            client,
            f"/api/v1/appointments/{appointment.pk}/cancel/",
            {"token": intake_token(intake)},
        )
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["dr.rivera@clinic.example"].startswith("Cancelled: second opinion on")
    assert subjects["alex@example.com"].startswith("Your appointment on Tuesday 1 December")
    cancelled_ics = next(m for m in mail.outbox if m.to == ["alex@example.com"]).attachments[0]
    assert "METHOD:CANCEL" in cancelled_ics[1] and "STATUS:CANCELLED" in cancelled_ics[1]


def test_a_reschedule_confirms_the_new_time_with_a_newer_calendar_sequence(
    client, clinician, intake, django_capture_on_commit_callbacks
):
    appointment = booked(client, intake, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post_json(
            client,
            f"/api/v1/appointments/{appointment.pk}/reschedule/",
            {"token": intake_token(intake), "slot": open_slots()[3].pk},
        )
    patient = next(m for m in mail.outbox if m.to == ["alex@example.com"])
    assert patient.subject.startswith("Your appointment has moved: Wednesday 2 December 2026")
    event = icalendar.Calendar.from_ical(patient.attachments[0][1]).walk("VEVENT")[0]
    assert int(event["sequence"]) == 2
    assert str(event["uid"]) == f"appointment-{appointment.pk}@testserver"
    clinician_mail = next(m for m in mail.outbox if m.to == ["dr.rivera@clinic.example"])
    assert clinician_mail.subject.startswith("Appointment moved")


def test_the_reminder_is_sent_once_the_day_before_by_the_beat_scan(
    client, clinician, intake, clock, django_capture_on_commit_callbacks
):
    appointment = booked(client, intake, django_capture_on_commit_callbacks, index=10)
    assert appointment.reminder_due_at == appointment.starts_at - timedelta(hours=24)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.appointment_reminders_send.delay()
    assert mail.outbox == []  # not due yet
    clock.move_to(appointment.reminder_due_at + timedelta(minutes=1))
    for _ in range(3):  # beat runs every few minutes; the reminder goes once
        with django_capture_on_commit_callbacks(execute=True):
            tasks.appointment_reminders_send.delay()
    [reminder] = mail.outbox
    assert reminder.subject.startswith("Reminder: your free second opinion is tomorrow")
    assert Message.objects.get(purpose="appointment_reminder").unprompted is True
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at is not None


def test_a_cancelled_appointment_gets_no_reminder_and_a_late_booking_needs_none(
    client, clinician, intake, outsider, clock, django_capture_on_commit_callbacks
):
    late = booked(client, outsider, django_capture_on_commit_callbacks, index=0)
    assert late.reminder_due_at is None  # booked 2 hours ahead: the confirmation is enough
    cancelled = booked(client, intake, django_capture_on_commit_callbacks, index=10)
    services.appointment_cancel(appointment=cancelled)
    clock.move_to(cancelled.starts_at - timedelta(hours=2))
    assert services.appointment_reminders_send_due() == 0


def test_a_rescheduled_appointment_is_reminded_of_its_new_time(
    client, clinician, intake, clock, django_capture_on_commit_callbacks
):
    appointment = booked(client, intake, django_capture_on_commit_callbacks, index=10)
    clock.move_to(appointment.reminder_due_at + timedelta(minutes=1))
    assert services.appointment_reminders_send_due() == 1
    later = [s for s in open_slots() if s.starts_at > appointment.starts_at + timedelta(days=3)]
    services.appointment_reschedule(appointment=appointment, slot_id=later[0].pk)
    clock.move_to(later[0].starts_at - timedelta(hours=23))
    assert services.appointment_reminders_send_due() == 1
    assert Message.objects.filter(purpose="appointment_reminder").count() == 2


def test_the_reminder_scan_costs_the_same_queries_for_two_reminders_or_five(clinician, clock):
    slots = open_slots()  # Thursday 3 December is slots 8–13, Friday 4 December 14–19
    for n, slot in enumerate([*slots[8:10], *slots[14:19]]):
        intake = factories.make_intake(
            duration_days=10, patient_overrides={"email": f"patient{n}@example.com"}
        )
        services.appointment_book(intake=intake, slot_id=slot.pk)
    costs = []
    for day, expected in ((2, 2), (3, 5)):  # noon in New York the day before each
        clock.move_to(datetime(2026, 12, day, 17, 0, tzinfo=UTC))
        with CaptureQueriesContext(connection) as queries:
            assert services.appointment_reminders_send_due() == expected
        costs.append(len(queries))
    assert costs[0] == costs[1]
    assert Message.objects.filter(purpose="appointment_reminder").count() == 7
    assert not Appointment.objects.filter(reminder_sent_at__isnull=True).exists()


def test_the_reminder_scan_works_through_its_batches_up_to_its_limit(clinician, clock, monkeypatch):
    monkeypatch.setattr(services, "REMINDER_BATCH", 2)
    for n, slot in enumerate(open_slots()[14:19]):  # Friday 4 December
        intake = factories.make_intake(
            duration_days=10, patient_overrides={"email": f"patient{n}@example.com"}
        )
        services.appointment_book(intake=intake, slot_id=slot.pk)
    clock.move_to(datetime(2026, 12, 3, 17, 0, tzinfo=UTC))
    assert services.appointment_reminders_send_due(limit=3) == 3
    assert services.appointment_reminders_send_due() == 2
    assert services.appointment_reminders_send_due() == 0
    assert Message.objects.filter(purpose="appointment_reminder").count() == 5

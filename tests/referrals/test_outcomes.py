"""An appointment's outcome: recorded once by a service that checks every field, closes the
referral and tells the patient (a thank-you, or one kind offer to book again)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from clinic.errors import InvalidInput
from clinic.messaging.models import Message
from intake.models import Pattern, Referral
from referrals import selectors, services
from referrals.models import Appointment, AppointmentOutcome
from referrals.outcomes import (
    OutcomeInput,
    OutcomeRefused,
    appointment_outcome_record,
    outcome_errors,
)
from tests.support.booking import open_slots

pytestmark = pytest.mark.django_db


@pytest.fixture
def doctor(db):
    return get_user_model().objects.create_user(username="dr.outcome", is_staff=True)


def begun(intake, clock, *, index: int = 0) -> Appointment:
    """Book the intake's appointment, then move the clock to just after it starts."""
    appointment = services.appointment_book(intake=intake, slot_id=open_slots()[index].pk)
    clock.move_to(appointment.starts_at + timedelta(minutes=5))
    return appointment


def record(appointment, doctor, **fields):
    return appointment_outcome_record(appointment_id=appointment.pk, by=doctor, **fields)


ATTENDED = {"attendance": "attended", "diagnosis": "runners_knee", "plan": "physio_course"}


@pytest.mark.parametrize(
    "fields",
    [
        ATTENDED,
        {**ATTENDED, "diagnosis": "other", "diagnosis_other": "Plica syndrome"},
        {
            "attendance": "attended",
            "diagnosis": "onward_urgent",
            "plan": "onward_referral",
            "onward_to": "Emergency department",
        },
        {**ATTENDED, "plan": "imaging", "note": "MRI to rule out a tear"},
        {**ATTENDED, "plan": "self_care"},
        {**ATTENDED, "plan": "discharged"},
        {"attendance": "did_not_attend"},
    ],
)
def test_each_outcome_is_recorded_and_closes_the_second_opinion_referral(
    clinician, intake, clock, doctor, fields
):
    appointment = begun(intake, clock)
    assert selectors.appointment_state(appointment) == "awaiting_outcome"
    outcome = record(appointment, doctor, **fields)
    for name, value in fields.items():
        assert getattr(outcome, name) == value
    assert outcome.recorded_by == doctor
    appointment.refresh_from_db()
    expected = "attended" if fields["attendance"] == "attended" else "did_not_attend"
    assert selectors.appointment_state(appointment) == expected
    referral = Referral.objects.get(intake=intake, reason=Referral.Reason.SECOND_OPINION)
    assert (referral.status, referral.handled_by) == (Referral.Status.CLOSED, doctor)


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({}, {"attendance"}),
        ({"attendance": "maybe"}, {"attendance"}),
        ({"attendance": "attended"}, {"diagnosis", "plan"}),
        ({**ATTENDED, "diagnosis": "gout?"}, {"diagnosis"}),
        ({**ATTENDED, "plan": "surgery"}, {"plan"}),
        ({**ATTENDED, "diagnosis": "other"}, {"diagnosis_other"}),
        ({**ATTENDED, "diagnosis_other": "stray text"}, {"diagnosis_other"}),
        ({**ATTENDED, "plan": "onward_referral"}, {"onward_to"}),
        ({**ATTENDED, "onward_to": "Dr. Who"}, {"onward_to"}),
        ({**ATTENDED, "diagnosis": "onward_urgent"}, {"plan"}),
        (
            {"attendance": "did_not_attend", "diagnosis": "runners_knee", "plan": "self_care"},
            {"diagnosis", "plan"},
        ),
        ({**ATTENDED, "note": "x" * 1001}, {"note"}),
        ({**ATTENDED, "diagnosis": "other", "diagnosis_other": "x" * 121}, {"diagnosis_other"}),
    ],
)
def test_a_bad_outcome_is_refused_field_by_field_and_nothing_is_saved(
    clinician, intake, clock, doctor, fields, bad
):
    appointment = begun(intake, clock)
    messages_before = Message.objects.count()
    with pytest.raises(InvalidInput) as refused:
        record(appointment, doctor, **{"attendance": "", **fields})
    assert set(refused.value.errors) == bad
    assert not AppointmentOutcome.objects.exists()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    assert Referral.objects.get(intake=intake, reason="second_opinion").status == "open"
    assert Message.objects.count() == messages_before


def test_the_field_rules_are_one_pure_function():
    assert outcome_errors(OutcomeInput(**ATTENDED)) == {}
    assert set(outcome_errors(OutcomeInput(attendance="attended"))) == {"diagnosis", "plan"}


def test_an_outcome_is_refused_before_the_appointment_begins_after_a_cancel_and_twice(
    clinician, intake, clock, doctor
):
    appointment = services.appointment_book(intake=intake, slot_id=open_slots()[0].pk)
    with pytest.raises(OutcomeRefused, match="not begun"):
        record(appointment, doctor, **ATTENDED)
    clock.move_to(appointment.starts_at + timedelta(minutes=1))
    record(appointment, doctor, **ATTENDED)
    with pytest.raises(OutcomeRefused, match="already recorded"):
        record(appointment, doctor, attendance="did_not_attend")
    assert AppointmentOutcome.objects.count() == 1


def test_a_cancelled_appointment_takes_no_outcome(clinician, intake, clock, doctor):
    appointment = services.appointment_book(intake=intake, slot_id=open_slots()[0].pk)
    appointment = services.appointment_cancel(appointment=appointment)
    clock.move_to(appointment.starts_at + timedelta(minutes=1))
    assert selectors.appointment_state(appointment) == "cancelled"
    with pytest.raises(OutcomeRefused, match="cancelled"):
        record(appointment, doctor, **ATTENDED)


def test_an_attended_or_missed_appointment_can_no_longer_be_moved(clinician, intake, clock, doctor):
    appointment = begun(intake, clock)
    record(appointment, doctor, **ATTENDED)
    from referrals.errors import AppointmentPast

    with pytest.raises(AppointmentPast):
        services.appointment_cancel(appointment=appointment)


# --- After the appointment ------------------------------------------------------------------


def test_an_attended_patient_is_thanked_with_the_plans_next_step(clinician, intake, clock, doctor):
    appointment = begun(intake, clock)
    record(appointment, doctor, **{**ATTENDED, "plan": "onward_referral", "onward_to": "Dr. Knee"})
    [thanks] = Message.objects.filter(purpose="appointment_thanks")
    assert thanks.about == f"appointment:{appointment.pk}"
    assert thanks.recipient == "alex@example.com"
    assert "Thank you for coming" in thanks.body_text
    assert "We are passing your care to Dr. Knee" in thanks.body_text
    assert not Message.objects.filter(purpose="appointment_missed").exists()


def test_a_patient_who_did_not_attend_gets_one_kind_offer_to_book_again_once_only(
    clinician, intake, clock, doctor
):
    first = begun(intake, clock)
    record(first, doctor, attendance="did_not_attend")
    [offer] = Message.objects.filter(purpose="appointment_missed")
    assert offer.about == f"appointment:{first.pk}"
    assert "sorry not to see you" in offer.body_text
    assert "/book" in offer.body_text
    # They book again (a missed appointment frees the free second opinion) and miss again.
    clock.move_to(first.starts_at + timedelta(hours=1))
    assert selectors.appointment_active_for_intake(intake) is None
    second = services.appointment_book(intake=intake, slot_id=open_slots()[0].pk)
    clock.move_to(second.starts_at + timedelta(minutes=5))
    record(second, doctor, attendance="did_not_attend")
    assert Message.objects.filter(purpose="appointment_missed").count() == 1


def test_an_urgent_patient_who_did_not_attend_is_not_messaged_the_clinic_is_told(
    clinician, intake, clock, doctor, settings
):
    appointment = begun(intake, clock)
    # Urgent since booking (e.g. the follow-up re-asked the warning signs).
    Referral.objects.create(intake=intake, reason=Referral.Reason.URGENT)
    record(appointment, doctor, attendance="did_not_attend")
    assert not Message.objects.filter(purpose="appointment_missed").exists()
    [alert] = Message.objects.filter(purpose="staff_urgent_no_show")
    assert alert.recipient == settings.CLINIC_STAFF_ALERT_EMAIL
    assert f"intake #{intake.pk}" in alert.body_text
    assert "Alex" not in alert.body_text  # ids only


def test_the_patients_appointment_page_follows_the_state(client, clinician, intake, clock, doctor):
    appointment = begun(intake, clock)
    token = selectors.appointment_token(appointment)
    assert "has taken place" in client.get(f"/book/appointment/{token}/").content.decode()
    record(appointment, doctor, attendance="did_not_attend")
    page = client.get(f"/book/appointment/{token}/").content.decode()
    assert "We missed you" in page and "Choose another time" in page


def test_the_working_diagnoses_start_with_exactly_the_engines_pattern_ids():
    """The quality page compares the two by id, so a pattern added or renamed must show here."""
    engine = [p for p in Pattern.values if p != Pattern.UNCLEAR]
    diagnoses = AppointmentOutcome.Diagnosis.values
    assert diagnoses[: len(engine)] == engine
    assert diagnoses[len(engine) :] == ["other", "onward_urgent"]

"""The intake page at /staff/intakes/<id>/ and every action on it, each recorded with who/when."""

import pytest
from django.utils import timezone
from django.utils.html import escape

from clinic.messaging.models import Message
from dashboard.models import Acknowledgement, AuditEvent, Contact, Note, TriageOverride
from intake import triage
from intake.models import FollowUp, Intake, Referral, TriageOutcome
from tests.support.factories import make_intake

pytestmark = pytest.mark.django_db


def test_the_answers_read_in_plain_words(clinician_client, routine_intake):
    page = clinician_client.get(f"/staff/intakes/{routine_intake.pk}/").content.decode()
    assert triage.QUESTIONS["pain_locations"].text in page
    assert "Under or around the kneecap" in page
    assert "When I run; Going up or down stairs" in page
    assert "under_kneecap" not in page


def test_the_outcome_shows_the_matched_signs_secondary_patterns_and_rules_version(
    clinician_client,
):
    intake = make_intake(
        pain_locations=["under_kneecap"],
        pain_triggers=["walking", "sitting_long", "stairs"],
        symptoms=["swelling", "stiffness"],
        age=55,
    )
    outcome = TriageOutcome.objects.get(intake=intake)
    assert outcome.secondary_patterns, "the fixture should have a secondary pattern"
    page = clinician_client.get(f"/staff/intakes/{intake.pk}/").content.decode()
    assert escape(triage.PATTERNS[outcome.pattern].name) in page
    for sign in outcome.matched_signs[outcome.pattern]:
        assert escape(triage.SIGNS[sign]) in page
    for pattern in outcome.secondary_patterns:
        assert escape(triage.PATTERNS[pattern].name) in page
    assert f"rules {triage.RULES_VERSION}" in page


def test_an_urgent_intake_shows_the_warning_signs_reported(clinician_client, urgent_intake):
    page = clinician_client.get(f"/staff/intakes/{urgent_intake.pk}/").content.decode()
    assert triage.RED_FLAGS["calf_swelling_pain"].question in page
    assert "Urgent alert, not yet acknowledged." in page


def test_an_urgent_intake_shows_its_sign_as_a_statement_its_route_and_its_pattern(
    clinician_client, urgent_intake
):
    page = clinician_client.get(f"/staff/intakes/{urgent_intake.pk}/").content.decode()
    assert escape(triage.RED_FLAGS["calf_swelling_pain"].statement) in page
    route = triage.route_text("same_day", emergency_number="911", clinic_phone="+1 555 010 0199")
    assert f"Care route given: {escape(route)}" in page
    # Clinicians see the pattern a patient with a warning sign is never shown.
    assert escape(triage.pattern_name("runners_knee")) in page


def test_an_assessment_shows_clinicians_why_it_was_advised(clinician_client):
    intake = make_intake(duration_days=30)
    page = clinician_client.get(f"/staff/intakes/{intake.pk}/").content.decode()
    assert "Why an assessment is advised:" in page
    assert triage.reason_text("lasted_over_a_week") in page


def test_the_follow_up_and_its_answer_show_to_clinicians(
    clinician_client, front_desk, client, routine_intake
):
    FollowUp.objects.filter(intake=routine_intake).update(
        status="answered", answer="worse", pain_now=6, answered_at=timezone.now()
    )
    page = clinician_client.get(f"/staff/intakes/{routine_intake.pk}/").content.decode()
    assert "Worse" in page and "pain 6/10 (was 3/10)" in page
    client.force_login(front_desk)
    page = client.get(f"/staff/intakes/{routine_intake.pk}/").content.decode()
    assert 'id="follow-up-answer"' not in page
    assert "Answered" in page  # the status is operational: front desk may see it


def test_messages_referrals_and_the_advice_sheet_are_listed(clinician_client, urgent_intake):
    Message.objects.filter(about=f"intake:{urgent_intake.pk}").update(
        status="failed", error="SMTPError"
    )
    response = clinician_client.get(f"/staff/intakes/{urgent_intake.pk}/")
    page = response.content.decode()
    assert "Urgent alert (to staff)" in page and "Failed" in page and "SMTPError" in page
    assert "Urgent warning signs" in page
    assert f'href="/staff/intakes/{urgent_intake.pk}/advice.pdf"' in page
    assert response.context["appointments"] == []
    assert "No booking for an urgent intake: the patient needs same-day care" in page
    assert "Book on the patient's behalf" not in page


def test_an_unknown_intake_is_a_404(clinician_client):
    assert clinician_client.get("/staff/intakes/999999/").status_code == 404
    assert clinician_client.post("/staff/intakes/999999/notes/", {"text": "x"}).status_code == 404


def test_viewing_an_intake_writes_an_audit_row_without_health_data(
    clinician_client, clinician, routine_intake
):
    clinician_client.get(f"/staff/intakes/{routine_intake.pk}/")
    event = AuditEvent.objects.get(action="intake_view")
    assert (event.actor, event.object_type, event.object_id) == (
        clinician,
        "intake",
        routine_intake.pk,
    )
    assert event.actor_username == "dr.quinn"
    assert event.at is not None
    row = str([getattr(event, f.attname) for f in AuditEvent._meta.fields])
    for health in ("Rita", "rita@", "runners_knee", "under_kneecap", "self_care"):
        assert health not in row


# --- Actions ----------------------------------------------------------------------------------


def _audit(action):
    return AuditEvent.objects.filter(action=action)


def test_acknowledging_an_urgent_alert_records_who_and_when(
    clinician_client, clinician, urgent_intake
):
    response = clinician_client.post(f"/staff/intakes/{urgent_intake.pk}/acknowledge/")
    assert response.status_code == 302
    assert response["Location"] == f"/staff/intakes/{urgent_intake.pk}/"
    ack = Acknowledgement.objects.get(intake=urgent_intake)
    assert ack.acknowledged_by == clinician and ack.acknowledged_at
    urgent_intake.refresh_from_db()
    assert urgent_intake.status == "acknowledged"
    assert _audit("acknowledge").get().object_id == urgent_intake.pk
    page = clinician_client.get(response["Location"]).content.decode()
    assert "Urgent alert acknowledged by dr.quinn" in page


def test_acknowledging_twice_changes_nothing_the_second_time(clinician_client, urgent_intake):
    clinician_client.post(f"/staff/intakes/{urgent_intake.pk}/acknowledge/")
    clinician_client.post(f"/staff/intakes/{urgent_intake.pk}/acknowledge/")
    assert Acknowledgement.objects.count() == 1
    assert _audit("acknowledge").count() == 1


def test_a_non_urgent_intake_has_no_alert_to_acknowledge(clinician_client, routine_intake):
    response = clinician_client.post(f"/staff/intakes/{routine_intake.pk}/acknowledge/")
    assert response.status_code == 400
    assert "Only urgent intakes" in response.content.decode()
    assert not Acknowledgement.objects.exists()
    assert not _audit("acknowledge").exists()


def test_marking_contacted_records_how_who_and_when(front_desk_client, front_desk, routine_intake):
    response = front_desk_client.post(
        f"/staff/intakes/{routine_intake.pk}/contacted/", {"method": "phone"}
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.intake, contact.method, contact.contacted_by) == (
        routine_intake,
        "phone",
        front_desk,
    )
    routine_intake.refresh_from_db()
    assert routine_intake.status == "contacted"
    assert _audit("contact").get().actor == front_desk


def test_a_closed_intake_stays_closed_when_contacted(clinician_client, routine_intake):
    Intake.objects.filter(pk=routine_intake.pk).update(status="closed")
    clinician_client.post(f"/staff/intakes/{routine_intake.pk}/contacted/", {"method": "email"})
    routine_intake.refresh_from_db()
    assert routine_intake.status == "closed"
    assert Contact.objects.count() == 1


def test_a_note_is_saved_with_its_author_and_shown(clinician_client, clinician, routine_intake):
    response = clinician_client.post(
        f"/staff/intakes/{routine_intake.pk}/notes/", {"text": "  Left a voicemail.  "}
    )
    assert response.status_code == 302
    note = Note.objects.get()
    assert (note.text, note.author) == ("Left a voicemail.", clinician)
    assert "Left a voicemail." in clinician_client.get(response["Location"]).content.decode()
    event = _audit("note_add").get()
    assert "voicemail" not in str(event.__dict__)


def test_an_override_stands_beside_the_patients_own_outcome(
    clinician_client, clinician, routine_intake
):
    response = clinician_client.post(
        f"/staff/intakes/{routine_intake.pk}/override/",
        {"pattern": "patellar_tendinitis", "urgency": "assessment", "reason": "Tender tendon."},
    )
    assert response.status_code == 302
    override = TriageOverride.objects.get()
    assert (override.pattern, override.urgency, override.overridden_by) == (
        "patellar_tendinitis",
        "assessment",
        clinician,
    )
    routine_intake.refresh_from_db()
    outcome = TriageOutcome.objects.get(intake=routine_intake)
    assert (routine_intake.pattern, routine_intake.urgency) == ("runners_knee", "self_care")
    assert (outcome.pattern, outcome.urgency) == ("runners_knee", "self_care")
    page = clinician_client.get(response["Location"]).content.decode()
    assert 'id="current-override"' in page and "Tender tendon." in page
    assert "Runner&#x27;s knee" in page
    assert _audit("override").get().object_id == routine_intake.pk


def test_the_newest_override_is_current_and_older_ones_stay_as_history(
    clinician_client, routine_intake
):
    url = f"/staff/intakes/{routine_intake.pk}/override/"
    clinician_client.post(url, {"urgency": "assessment", "reason": "First look."})
    clinician_client.post(url, {"urgency": "self_care", "reason": "Settled on review."})
    response = clinician_client.get(f"/staff/intakes/{routine_intake.pk}/")
    assert response.context["current_override"].reason == "Settled on review."
    assert "First look." in response.content.decode()


def test_closing_a_referral_records_who_and_when(clinician_client, clinician, routine_intake):
    referral = Referral.objects.create(intake=routine_intake, reason="not_improving")
    response = clinician_client.post(f"/staff/referrals/{referral.pk}/close/")
    assert response.status_code == 302
    assert response["Location"] == f"/staff/intakes/{routine_intake.pk}/"
    referral.refresh_from_db()
    assert referral.status == "closed"
    assert referral.handled_by == clinician and referral.handled_at
    clinician_client.post(f"/staff/referrals/{referral.pk}/close/")
    assert _audit("referral_close").count() == 1
    assert clinician_client.get("/staff/").context["not_improving"] == []


def test_closing_an_unknown_referral_is_a_404(clinician_client):
    assert clinician_client.post("/staff/referrals/424242/close/").status_code == 404


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("contacted", {}, "method"),
        ("contacted", {"method": "carrier_pigeon"}, "method"),
        ("notes", {}, "text"),
        ("notes", {"text": "   "}, "text"),
        ("notes", {"text": "x" * 4001}, "text"),
        ("override", {"urgency": "assessment"}, "reason"),
        ("override", {"urgency": "assessment", "reason": "ok"}, "reason"),
        ("override", {"pattern": "broken_leg", "reason": "A good reason."}, "pattern"),
        ("override", {"urgency": "extreme", "reason": "A good reason."}, "urgency"),
        ("override", {"reason": "Nothing chosen."}, "__all__"),
    ],
)
def test_bad_input_is_a_400_with_field_errors_and_nothing_written(
    clinician_client, routine_intake, action, data, field
):
    response = clinician_client.post(f"/staff/intakes/{routine_intake.pk}/{action}/", data)
    assert response.status_code == 400
    form_name = {"contacted": "contact", "notes": "note", "override": "override"}[action]
    assert field in response.context["forms"][form_name].errors
    assert 'class="errorlist' in response.content.decode()
    assert not Contact.objects.exists()
    assert not Note.objects.exists()
    assert not TriageOverride.objects.exists()
    routine_intake.refresh_from_db()
    assert routine_intake.status == "new"
    assert not AuditEvent.objects.exclude(action="intake_view").exists()


def test_a_childs_page_shows_the_guardian_every_message_goes_to(clinician_client):
    guardian = {
        "name": "Sam Parent",
        "relationship": "mother",
        "phone": "+1 202 555 0188",
        "completed_by_guardian": True,
    }
    intake = make_intake(
        age=12,
        patient_overrides={"email": "", "phone": "", "channel": "sms", "guardian": guardian},
    )
    page = clinician_client.get(f"/staff/intakes/{intake.pk}/").content.decode()
    assert 'id="guardian"' in page
    assert "Sam Parent (mother)" in page
    assert "tel:+12025550188" in page


def test_an_adults_page_has_no_guardian(clinician_client):
    intake = make_intake()
    page = clinician_client.get(f"/staff/intakes/{intake.pk}/").content.decode()
    assert 'id="guardian"' not in page


def test_a_spanish_patients_intake_page_is_in_english_and_names_their_language(
    clinician_client,
):
    intake = make_intake(patient_overrides={"language": "es"})
    page = clinician_client.get(
        f"/staff/intakes/{intake.pk}/", HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert "<dt>Language</dt><dd>Spanish</dd>" in page
    assert '<html lang="en">' in page
    # The staff read the outcome in English, whatever the patient's language.
    assert escape(triage.PATTERNS[intake.outcome.pattern].name) in page

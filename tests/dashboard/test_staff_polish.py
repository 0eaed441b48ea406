"""The staff pages' frame: no patient emergency footer; the favicon and focus ring shared."""

import pytest

pytestmark = pytest.mark.django_db


def test_staff_pages_have_no_patient_emergency_footer(clinician_client):
    page = clinician_client.get("/staff/").content.decode()
    assert "In an emergency call your local emergency number" not in page
    assert 'class="site-footer"' not in page


def test_the_staff_sign_in_has_no_patient_emergency_footer(client):
    page = client.get("/staff/login/").content.decode()
    assert "In an emergency call your local emergency number" not in page


def test_patient_pages_keep_the_emergency_footer_a_favicon_and_a_print_stylesheet(client):
    page = client.get("/intake/").content.decode()
    assert "In an emergency call your local emergency number" in page
    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert 'href="/static/css/print.css" media="print"' in page


def test_the_focus_ring_shows_on_white_and_on_teal():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/css/stride.css").read_text()
    # Yellow against teal, a near-black ring outside it against white.
    assert "outline: 3px solid var(--focus)" in css
    assert "box-shadow: 0 0 0 6px var(--ink)" in css


def test_a_role_without_the_capability_gets_the_403_inside_the_staff_layout(front_desk_client):
    response = front_desk_client.get("/staff/outcomes/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "Your role cannot open this page" in page
    assert 'class="staff-nav"' in page
    assert 'id="back-to-queue" href="/staff/"' in page.replace(
        'href="/staff/" id="back-to-queue"', 'id="back-to-queue" href="/staff/"'
    )


def test_an_unknown_staff_page_gets_the_404_inside_the_staff_layout(clinician_client):
    response = clinician_client.get("/staff/intakes/999999/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "There is nothing at this address" in page
    assert "Back to the queue" in page
    assert "In an emergency" not in page


def test_a_patient_404_keeps_the_patient_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Start the knee pain check" in response.content.decode()
    assert "In an emergency call your local emergency number" in response.content.decode()


def test_an_empty_urgent_block_is_calm_not_red(clinician_client):
    page = clinician_client.get("/staff/").content.decode()
    assert 'class="panel panel--clear"' in page
    assert "panel--urgent" not in page
    assert "None waiting" in page


def test_a_waiting_urgent_intake_keeps_the_block_red(clinician_client, urgent_intake):
    page = clinician_client.get("/staff/").content.decode()
    assert 'class="panel panel--urgent"' in page


def test_the_message_log_names_what_each_message_was_for(clinician_client, urgent_intake):
    from clinic.messaging.models import Message

    page = clinician_client.get("/staff/messages/").content.decode()
    templates = set(Message.objects.values_list("template", flat=True))
    assert templates
    from dashboard.formatting import message_label

    for template in templates:
        assert message_label(template) in page
        assert f"<td>{template}" not in page


def test_answers_show_their_units(clinician_client, routine_intake):
    page = clinician_client.get(f"/staff/intakes/{routine_intake.pk}/").content.decode()
    assert "<dd>5 days</dd>" in page
    assert "<dd>34 years</dd>" in page
    assert "<dd>30 km a week</dd>" in page
    assert "<dd>3 out of 10</dd>" in page
    assert "<dd>175 steps a minute</dd>" in page


def test_phones_show_in_the_clinics_format(clinician_client, settings, db):
    from tests.support.factories import make_intake

    settings.DEFAULT_PHONE_REGION = "US"
    intake = make_intake(patient_overrides={"phone": "+1 202 555 0143", "name": "Pat Phone"})
    page = clinician_client.get(f"/staff/intakes/{intake.pk}/").content.decode()
    assert "(202) 555-0143</a>" in page


def test_the_sign_in_password_box_is_styled_like_the_username_box():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/css/stride.css").read_text()
    selector = css[: css.index("width: 100%; max-width: 24rem")]
    assert ".field input[type=password]" in selector[-400:]


def test_an_urgent_intake_just_submitted_reads_waiting_under_a_minute(
    clinician_client, urgent_intake
):
    page = clinician_client.get("/staff/").content.decode()
    assert "waiting under a minute" in page
    assert "waiting 0" not in page


def test_the_front_desk_reaches_the_appointments_moved_by_hours_from_the_menu(
    front_desk_client, clinician_client
):
    link = '<a href="/staff/appointments/displaced/">Moved by hours</a>'
    assert link in front_desk_client.get("/staff/").content.decode()
    assert link in front_desk_client.get("/staff/appointments/displaced/").content.decode()


def test_the_filter_button_and_clear_link_sit_on_the_fields_line():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/css/dashboard.css").read_text()
    assert ".filters > .button { min-height: 40px;" in css
    assert ".filters > a { line-height: 40px;" in css


def test_how_long_an_intake_has_waited_reads_in_words():
    from datetime import UTC, datetime, timedelta

    from dashboard.formatting import waiting_for

    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert waiting_for(now - timedelta(seconds=59), now) == "under a minute"
    assert waiting_for(now - timedelta(minutes=5), now) == "5\xa0minutes"

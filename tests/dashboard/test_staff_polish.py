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

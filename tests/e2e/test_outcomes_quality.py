"""A clinician records an appointment's outcome in a real browser and sees it counted on
the triage quality page; axe finds no serious violation on either page (1366 px wide)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from dashboard.services import staff_groups_sync
from referrals.models import Appointment, AppointmentOutcome, Clinician, Slot
from tests.e2e.test_accessibility import serious_violations
from tests.support.factories import make_intake

pytestmark = [pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def wide_page(browser):
    # bypass_csp only so axe can be injected for the audit; 1366 px: a clinic desktop.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_clinician_records_an_outcome_and_sees_it_on_the_quality_page(live_server, wide_page):
    from tests.e2e.conftest import ARTIFACTS

    page = wide_page
    groups = staff_groups_sync()
    user = get_user_model().objects.create_user("dr.quality", password=PASSWORD)
    user.groups.add(groups["clinician"])
    intake = make_intake(duration_days=10, patient_overrides={"name": "Sam Seen"})
    doctor = get_user_model().objects.create_user("dr.seer", is_staff=True)
    clinician = Clinician.objects.create(user=doctor, display_name="Dr. Ada Seer")
    starts = timezone.now() - timedelta(minutes=30)
    slot = Slot.objects.create(
        clinician=clinician, starts_at=starts, ends_at=starts + timedelta(minutes=30)
    )
    appointment = Appointment.objects.create(
        slot=slot,
        clinician=clinician,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        patient=intake.patient,
        intake=intake,
    )

    page.goto(live_server.url + "/staff/login/")
    page.fill("#id_username", "dr.quality")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")

    page.goto(live_server.url + f"/staff/intakes/{intake.pk}/")
    assert "Awaiting outcome" in page.locator("#appointments").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Record the outcome").click()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert serious_violations(page) == []
    page.check("input[name=attendance][value=attended]")
    page.select_option("#id_diagnosis", intake.pattern if intake.pattern != "unclear" else "other")
    if intake.pattern == "unclear":
        page.fill("#id_diagnosis_other", "Plica")
    page.select_option("#id_plan", "physio_course")
    page.fill("#id_note", "Six sessions of physiotherapy")
    page.screenshot(path=str(ARTIFACTS / "outcome-form-1366.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Record the outcome").click()
    assert "Outcome recorded" in page.content()
    assert "Attended" in page.locator("#appointments").inner_text()
    outcome = AppointmentOutcome.objects.get(appointment=appointment)
    assert outcome.recorded_by == user

    page.goto(live_server.url + "/staff/quality/")
    agreement = page.locator("#agreement").inner_text()
    assert "1 case seen" in agreement
    assert serious_violations(page) == []
    page.screenshot(path=str(ARTIFACTS / "quality-page-1366.png"), full_page=True)

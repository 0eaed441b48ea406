"""The booking path in a real browser, keyboard only: result page → book → confirmation."""

import pytest

from intake.links import intake_token
from intake.models import Referral
from referrals.models import Appointment
from tests.support import factories
from tests.support.booking import make_clinician, verify_contact
from tests.support.browser import tab_to

pytestmark = [pytest.mark.django_db(transaction=True)]


def press_enter_and_wait(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_patient_books_their_second_opinion_from_the_result_page(live_server, page, screenshot):
    make_clinician(hours=((8, 18),), weekdays=(0, 1, 2, 3, 4, 5, 6))
    intake = factories.make_intake(duration_days=10)  # assessment: booking comes first
    verify_contact(intake)  # the contact check has its own tests (referrals, accessibility)
    page.goto(f"{live_server.url}/intake/r/{intake_token(intake)}/")
    screenshot("1-result")
    tab_to(page, "#action-book")
    assert page.locator("#action-book").inner_text() == "Book your free second opinion"
    press_enter_and_wait(page)
    assert page.locator("h1").inner_text() == "Book your free second opinion"
    assert "UK time" in page.locator(".zone-note").inner_text()
    assert "Board Certified Orthopedic" in page.locator(".clinician-title").first.inner_text()
    screenshot("2-times")
    tab_to(page, "input[name=slot]")
    page.keyboard.press("Space")
    chosen = page.locator("input[name=slot]:checked").get_attribute("value")
    tab_to(page, "main button[type=submit]")
    press_enter_and_wait(page)
    assert page.locator("h1").inner_text() == "Confirm your appointment"
    screenshot("3-confirm")
    tab_to(page, "main button[type=submit]")
    press_enter_and_wait(page)
    assert page.locator("h1").inner_text() == "Your appointment is booked"
    assert "(UK time)" in page.locator(".when").inner_text()
    assert page.get_by_role("link", name="Add to my calendar").is_visible()
    screenshot("4-booked")
    appointment = Appointment.objects.get()
    assert appointment.slot_id == int(chosen)
    assert Referral.objects.filter(intake=intake, reason="second_opinion").exists()

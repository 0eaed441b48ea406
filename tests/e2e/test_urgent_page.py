"""The urgent page and its call-back form in Chromium at phone width (390 px): what the
patient reads first, field-by-field errors, the confirmation, and axe with no serious
violation on each."""

import pytest

from clinic.messaging.models import Message
from intake import triage
from intake.models import Intake, SafetyScreen, StaffAlert
from tests.e2e.test_accessibility import serious_violations

pytestmark = [pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_page(browser):
    # bypass_csp only so that the axe audit script can be injected.
    context = browser.new_context(bypass_csp=True, viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def shoot(page, request, name: str) -> None:
    from tests.e2e.conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}--{name}.png"), full_page=True)


def answer_safety(page, *, yes: tuple[str, ...]) -> None:
    for flag in triage.RED_FLAGS:
        page.locator(f"#id_{flag}_{0 if flag in yes else 1}").check()
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


def test_the_emergency_urgent_page_and_its_call_back_at_phone_width(
    live_server, phone_page, request
):
    page = phone_page
    page.goto(live_server.url + "/intake/")
    answer_safety(page, yes=("numb_cold_foot", "calf_swelling_pain"))
    assert page.locator("h1").inner_text() == "Go now: do not wait for a call from us"
    assert "Go to an emergency department now" in page.locator(".route--emergency").inner_text()
    assert page.locator(".breathlessness").is_visible()
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert SafetyScreen.objects.count() == 1
    shoot(page, request, "1-urgent")
    assert serious_violations(page) == []

    # Errors, field by field; nothing saved.
    page.locator("#id_phone").fill("12")
    with page.expect_navigation():
        page.locator(".call-back button[type=submit]").click()
    assert page.locator(".error-summary").is_visible()
    assert page.locator(".field--error #id_name").count() == 1
    assert page.locator(".field--error #id_phone").count() == 1
    assert Intake.objects.count() == 0
    shoot(page, request, "2-call-back-errors")
    assert serious_violations(page) == []

    page.locator("#id_name").fill("Casey Caller")
    page.locator("#id_phone").fill("+1 202 555 0143")
    with page.expect_navigation():
        page.locator(".call-back button[type=submit]").click()
    assert "the clinic will call you" in page.locator(".call-back-done").inner_text()
    intake = Intake.objects.get()
    assert intake.source == "call_back"
    assert StaffAlert.objects.filter(intake=intake).exists()
    assert Message.objects.filter(purpose="urgent_route", recipient="+12025550143").exists()
    shoot(page, request, "3-call-back-done")
    assert serious_violations(page) == []

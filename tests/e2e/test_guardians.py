"""A child's form in a real browser at phone width (390 px): the age step, the parent or
guardian's questions, the under-13 box and the under-12 page, with axe 0 serious."""

import pytest

from intake import triage
from intake.models import Patient
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accessibility import AXE, RED_FLAGS, serious_violations

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, request):
    # bypass_csp only so the axe audit can be injected; the pages are as served.
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)

    def shot(name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}--{name}.png"), full_page=True)

    page.shot = shot
    yield page
    context.close()


def submit(page) -> None:
    with page.expect_navigation():
        page.locator("button[value=next]").click()


def to_details(page, base: str, age: str) -> None:
    """Through the safety, age and knee steps to the contact step, the guardian's."""
    page.goto(base + "/intake/")
    for flag in RED_FLAGS:
        page.locator(f"#id_{flag}_1").check()
    submit(page)
    page.locator("#id_age").fill(age)
    submit(page)
    if int(age) < 12:
        return  # the kind page for young children: no form
    if int(age) < 13:
        assert page.locator("#guardian-fills-in-early").is_visible()
    page.locator("#id_knee_0").check()
    page.locator("#id_pain_now_3").check()
    page.locator("#id_duration_days").fill("2")
    page.locator("#id_duration_unit").select_option("weeks")
    submit(page)
    page.locator("#id_pain_locations_0").check()
    submit(page)
    submit(page)


def test_a_parent_fills_in_a_12_year_olds_form_at_phone_width(live_server, phone):
    assert AXE.exists()
    to_details(phone, live_server.url, "12")
    guardian = phone.locator("#guardian")
    assert guardian.is_visible()
    assert "a parent or guardian must fill in this form" in guardian.inner_text()
    box = phone.get_by_label("I am the parent or guardian filling this in")
    assert box.is_visible()
    failures = {"child's details": serious_violations(phone)}
    phone.shot("1-guardian-questions")
    # Nothing about the guardian given: every guardian field says what is missing.
    phone.locator("#id_name").fill("Jo Young")
    submit(phone)
    summary = phone.locator(".error-summary")
    assert summary.is_visible()
    for text in ("parent or guardian's name", "how they are related", "email address or phone"):
        assert text in summary.inner_text()
    assert "must fill this in" in summary.inner_text()
    failures["guardian errors"] = serious_violations(phone)
    phone.shot("2-guardian-errors")
    assert Patient.objects.count() == 0
    phone.locator("#id_guardian_name").fill("Sam Parent")
    phone.locator("#id_guardian_relationship").fill("mother")
    phone.locator("#id_guardian_phone").fill("+1 202 555 0188")
    phone.get_by_label("I am the parent or guardian filling this in").check()
    submit(phone)
    assert "/intake/r/" in phone.url
    patient = Patient.objects.get()
    assert (patient.guardian_name, patient.completed_by_guardian) == ("Sam Parent", True)
    assert patient.intakes.get().duration_days == 14
    assert {k: v for k, v in failures.items() if v} == {}


def test_an_11_year_old_is_told_kindly_where_to_go_at_phone_width(live_server, phone):
    to_details(phone, live_server.url, "11")
    text = phone.locator("main").inner_text()
    assert "This service is not for young children." in text
    assert "A limping child with a fever needs care today." in text
    assert triage.RED_FLAGS["numb_cold_foot"].statement in text
    assert phone.locator("main form").count() == 0  # only the language switch, in the header
    phone.shot("under-12")
    assert serious_violations(phone) == []

"""The patient's path in a real browser, keyboard only: safety questions → form → result."""

import pytest

from intake import triage
from intake.models import Intake
from tests.support.browser import tab_to

pytestmark = [pytest.mark.django_db(transaction=True)]

RED_FLAGS = tuple(triage.RED_FLAGS)  # the safety questions, in the order asked


def choose(page, name: str, index: int) -> None:
    """Pick option `index` of a radio group with the keyboard (arrows move and select)."""
    tab_to(page, f"#id_{name}_0")
    if index == 0:
        page.keyboard.press("Space")
    for _ in range(index):
        page.keyboard.press("ArrowDown")


def tick(page, name: str, index: int) -> None:
    tab_to(page, f"#id_{name}_{index}")
    page.keyboard.press("Space")


def type_into(page, name: str, text: str) -> None:
    tab_to(page, f"#id_{name}")
    page.keyboard.type(text)


def submit(page) -> None:
    tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def answer_safety(page, *, yes: tuple[str, ...] = ()) -> None:
    for flag in RED_FLAGS:
        choose(page, flag, 0 if flag in yes else 1)
    submit(page)


def answer_age(page, age: str = "34") -> None:
    type_into(page, "age", age)
    submit(page)


def test_a_patient_reaches_their_result_with_the_keyboard_alone(live_server, page, screenshot):
    page.goto(live_server.url + "/intake/")
    screenshot("1-safety")
    answer_safety(page)
    answer_age(page)
    assert page.locator("h1").inner_text() == "About your knee"
    choose(page, "knee", 0)  # left
    tick(page, "pain_locations", 0)  # under the kneecap
    tick(page, "pain_triggers", 0)  # running
    tick(page, "pain_triggers", 1)  # stairs
    type_into(page, "pain_now", "3")
    type_into(page, "duration_days", "4")
    type_into(page, "name", "Sam Keyboard")
    type_into(page, "email", "sam@example.com")
    tab_to(page, "#id_consent_follow_up")
    page.keyboard.press("Space")
    screenshot("2-details")
    submit(page)
    assert "/intake/r/" in page.url
    assert page.locator(".pattern").inner_text().startswith("Runner")
    assert page.locator("#advice-ice_15").is_visible()
    assert "This is not a diagnosis" in page.locator(".disclaimer").inner_text()
    screenshot("3-result")
    assert Intake.objects.get().patient.name == "Sam Keyboard"


def test_a_warning_sign_goes_straight_to_the_urgent_page(live_server, page, screenshot):
    page.goto(live_server.url + "/intake/")
    answer_safety(page, yes=("calf_swelling_pain",))
    assert page.locator("h1").inner_text() == "Please seek medical care today"
    assert page.locator(".checklist").count() == 0
    screenshot("urgent")
    assert Intake.objects.count() == 0


def test_a_mistake_is_shown_next_to_the_field_and_keeps_what_was_typed(
    live_server, page, screenshot
):
    page.goto(live_server.url + "/intake/")
    answer_safety(page)
    answer_age(page)
    choose(page, "knee", 1)
    tick(page, "pain_locations", 1)
    type_into(page, "pain_now", "12")
    type_into(page, "duration_days", "4")
    type_into(page, "name", "Kim Typo")
    submit(page)
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#id_name").input_value() == "Kim Typo"
    assert page.locator("#id_knee_1").is_checked()
    screenshot("errors")
    assert Intake.objects.count() == 0


def test_the_form_preselects_the_browsers_time_zone(live_server, browser):
    context = browser.new_context(timezone_id="Asia/Tokyo")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/intake/")
        answer_safety(page)
        answer_age(page)
        assert page.locator("#id_timezone").input_value() == "Asia/Tokyo"
    finally:
        context.close()


def test_tapping_the_knee_diagram_ticks_the_location(live_server, page, screenshot):
    page.goto(live_server.url + "/intake/")
    answer_safety(page)
    answer_age(page)
    page.locator('.knee-area[data-location="outside"]').click()
    assert page.locator('input[name="pain_locations"][value="outside"]').is_checked()
    screenshot("diagram")
    page.locator('.knee-area[data-location="outside"]').click()
    assert not page.locator('input[name="pain_locations"][value="outside"]').is_checked()

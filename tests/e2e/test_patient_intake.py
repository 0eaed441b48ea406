"""The patient's path in a real browser, keyboard only: safety questions, age, the detail
steps, the result; at 390 px (a phone) and 1366 px, axe 0 serious on every step."""

import pytest

from intake import triage
from intake.models import Intake
from tests.e2e.test_accessibility import serious_violations
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
    tab_to(page, "button[value=next]")
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.fixture(params=[390, 1366], ids=["390px", "1366px"])
def sized(browser, request):
    """A page at phone or desktop width (CSP bypassed only so axe can be injected)."""
    width = request.param
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.width = width
    yield page
    context.close()


def answer_safety(page, *, yes: tuple[str, ...] = ()) -> None:
    for flag in RED_FLAGS:
        choose(page, flag, 0 if flag in yes else 1)
    submit(page)


def answer_age(page, age: str = "34") -> None:
    type_into(page, "age", age)
    submit(page)


def test_a_patient_reaches_their_result_with_the_keyboard_alone(live_server, sized, request):
    page = sized
    failures: dict[str, list[str]] = {}

    def check(name: str) -> str:
        failures[name] = serious_violations(page)
        progress = page.locator("#step-progress").inner_text() if name != "result" else ""
        page.screenshot(path=str(shots(request, f"{name}")), full_page=True)
        return progress

    page.goto(live_server.url + "/intake/")
    assert check("1-safety") == "Step 1 of 6"
    answer_safety(page)
    assert check("2-age") == "Step 2 of 6"
    answer_age(page)
    assert page.locator("h1").inner_text() == "Your knee and the pain"
    assert check("3-knee") == "Step 3 of 6"
    choose(page, "knee", 0)  # left
    choose(page, "pain_now", 3)  # Space on 0, then three arrows: 3
    type_into(page, "duration_days", "4")
    submit(page)
    assert check("4-pain") == "Step 4 of 6"
    assert page.locator(".knee-diagram").get_attribute("data-side") == "left"
    tick(page, "pain_locations", 0)  # under the kneecap
    tick(page, "pain_triggers", 0)  # running
    tick(page, "pain_triggers", 1)  # stairs
    submit(page)
    assert check("5-running") == "Step 5 of 6"
    submit(page)  # every question here is optional
    assert check("6-contact") == "Step 6 of 6"
    assert page.locator("#id_phone").is_hidden()  # email is chosen: no phone asked
    type_into(page, "name", "Sam Keyboard")
    type_into(page, "email", "sam@example.com")
    tab_to(page, "#id_consent_follow_up")
    page.keyboard.press("Space")
    submit(page)
    assert "/intake/r/" in page.url
    assert page.locator(".pattern").inner_text().startswith("Runner")
    assert page.locator("#advice-ice_15").is_visible()
    assert "This is not a diagnosis" in page.locator(".disclaimer").inner_text()
    check("result")
    intake = Intake.objects.get()
    assert intake.patient.name == "Sam Keyboard"
    assert (intake.answers["knee"], intake.answers["pain_now"]) == ("left", 3)
    assert {k: v for k, v in failures.items() if v} == {}


def shots(request, name: str):
    from tests.e2e.conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{request.node.name}--{name}.png"


def test_back_keeps_the_answers_and_texts_ask_for_a_phone(live_server, page, screenshot):
    page.goto(live_server.url + "/intake/")
    answer_safety(page)
    answer_age(page)
    choose(page, "knee", 1)  # right
    choose(page, "pain_now", 2)
    type_into(page, "duration_days", "4")
    submit(page)
    assert page.locator(".knee-diagram").get_attribute("data-side") == "right"
    with page.expect_navigation():
        page.locator("button[value=back]").click()
    assert page.locator("#id_knee_1").is_checked() and page.locator("#id_pain_now_2").is_checked()
    submit(page)
    page.locator('.knee-area[data-location="back"]').click()
    submit(page)
    submit(page)
    assert page.locator("#id_phone").is_hidden()
    page.get_by_label("Text message").check()
    assert page.locator("#id_phone").is_visible()
    page.locator("#id_name").fill("Ty Text")
    submit(page)
    assert "We need your mobile number to send text messages." in page.inner_text(".error-summary")
    screenshot("sms-needs-phone")
    page.locator("#id_phone").fill("+1 201-555-0123")
    submit(page)
    assert "/intake/r/" in page.url
    assert Intake.objects.get().answers["pain_locations"] == ["back"]


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
    type_into(page, "duration_days", "4")  # no pain given
    submit(page)
    assert page.locator(".error-summary").is_visible()
    assert "Pain right now" in page.inner_text(".error-summary")
    assert page.locator("#id_duration_days").input_value() == "4"
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
        choose(page, "knee", 1)
        choose(page, "pain_now", 1)
        type_into(page, "duration_days", "4")
        submit(page)
        tick(page, "pain_locations", 0)
        submit(page)
        submit(page)
        assert page.locator("#id_timezone").input_value() == "Asia/Tokyo"
    finally:
        context.close()


def test_tapping_the_knee_diagram_ticks_the_location(live_server, page, screenshot):
    page.goto(live_server.url + "/intake/")
    answer_safety(page)
    answer_age(page)
    choose(page, "knee", 1)
    choose(page, "pain_now", 1)
    type_into(page, "duration_days", "4")
    submit(page)
    page.locator('.knee-area[data-location="outside"]').click()
    assert page.locator('input[name="pain_locations"][value="outside"]').is_checked()
    screenshot("diagram")
    page.locator('.knee-area[data-location="outside"]').click()
    assert not page.locator('input[name="pain_locations"][value="outside"]').is_checked()

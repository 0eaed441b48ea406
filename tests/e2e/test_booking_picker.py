"""Booking through the day strip in Chromium, at 390 px and 1366 px, with and without
JavaScript, keyboard only: pick a day, a time, continue, confirm; then move it the same way.

The clinic's demo availability (referrals/demo.py: two clinicians) plus a third clinician
working long days all week, so every day of the two weeks has many times. No booking page may
be taller than 2.5 screens at 390×844. Screenshots go to test-artifacts/screenshots/.
"""

from io import StringIO

import pytest

from intake.links import intake_token
from referrals import services
from referrals.demo import seed_demo
from referrals.models import Appointment
from referrals.selectors import appointment_token, slot_open_queryset
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accessibility import serious_violations
from tests.support import factories
from tests.support.booking import make_clinician, verify_contact
from tests.support.browser import tab_to

pytestmark = [pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def clinic_with_a_busy_fortnight() -> None:
    seed_demo(StringIO())
    make_clinician(
        username="dr.long", name="Dr. Lena Long", hours=((7, 19),), weekdays=tuple(range(7))
    )


@pytest.fixture
def open_browser(browser):
    """`open_browser(viewport, javascript=True)`: a fresh context under the pages' own CSP
    (the booking script is an external file; nothing inline may run)."""
    contexts = []

    def make(viewport: dict, *, javascript: bool = True, bypass_csp: bool = False):
        context = browser.new_context(
            viewport=viewport,
            locale="en-GB",
            java_script_enabled=javascript,
            bypass_csp=bypass_csp,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"booking--{name}.png"), full_page=True)


def height_of(page) -> tuple[int, int]:
    """(document height, screen height): measured from outside, so it works without JS too."""
    height = page.locator("html").bounding_box()["height"]
    return int(height), page.viewport_size["height"]


def assert_short(page) -> None:
    """At most 2.5 screens tall, and no wider than the screen (nothing scrolls sideways but
    the day strip)."""
    height, screen = height_of(page)
    assert height <= 2.5 * screen, f"{page.url} is {height}px tall: over 2.5 screens of {screen}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]


def press_enter_and_wait(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def pick_second_day_and_a_time(page) -> tuple[str, str, str]:
    """Keyboard only: the strip's second day, then the third time on it. Returns the day's
    short label, the time and the slot id."""
    second = page.locator(".day-strip a").nth(1)
    day_iso = second.get_attribute("href").split("day=")[1][:10]
    tab_to(page, f'.day-strip a[href*="day={day_iso}"]')
    press_enter_and_wait(page)
    assert f"day={day_iso}" in page.url
    assert f"day={day_iso}" in page.locator(".day-strip a[aria-current]").get_attribute("href")
    heading = page.locator(".day-heading").inner_text()
    short = page.locator(".booking-form").get_attribute("data-day")
    assert heading.split()[0][:3] == short[:3]  # "Tuesday 1 December" / "Tue 1 Dec"
    tab_to(page, "input[name=slot]")
    page.keyboard.press("ArrowRight")  # radios: the arrows move the choice
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    chosen = page.locator("input[name=slot]:checked")
    return short, chosen.get_attribute("data-time"), chosen.get_attribute("value")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1366"])
def test_a_patient_books_through_the_day_strip(live_server, open_browser, viewport, javascript):
    clinic_with_a_busy_fortnight()
    intake = factories.make_intake(duration_days=10)
    verify_contact(intake)
    page = open_browser(viewport, javascript=javascript)
    name = f"{viewport['width']}-{'js' if javascript else 'no-js'}"
    page.goto(f"{live_server.url}/book/{intake_token(intake)}/")
    assert page.locator("h1").inner_text() == "Book your free second opinion"
    assert page.locator(".first-available a").inner_text().startswith("First available: ")
    assert page.locator(".clinician-filter a").count() == 4  # any, and the three
    assert_short(page)
    shot(page, f"{name}-1-days")
    short, time, slot_id = pick_second_day_and_a_time(page)
    button = page.locator(".continue-bar button")
    bar = page.locator(".continue-bar").evaluate("el => getComputedStyle(el).position")
    if javascript:
        assert button.inner_text() == f"Continue — {short}, {time}"
        # On a phone the bar sits on the foot of the screen, whatever the scroll.
        assert bar == ("fixed" if viewport["width"] == 390 else "static")
        if viewport["width"] == 390:
            box = button.bounding_box()
            assert box["y"] + box["height"] <= viewport["height"]
            assert box["y"] > viewport["height"] - 120
    else:
        assert (button.inner_text(), bar) == ("Continue", "static")
    assert_short(page)
    shot(page, f"{name}-2-time-chosen")
    tab_to(page, ".continue-bar button")
    press_enter_and_wait(page)
    assert page.locator("h1").inner_text() == "Confirm your appointment"
    assert f", {time} (UK time)" in page.locator(".when").inner_text()
    tab_to(page, "main button[type=submit]")
    press_enter_and_wait(page)
    assert page.locator("h1").inner_text() == "Your appointment is booked"
    assert Appointment.objects.get().slot_id == int(slot_id)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1366"])
def test_a_patient_moves_their_appointment_with_one_clinician_chosen(
    live_server, open_browser, viewport, javascript
):
    clinic_with_a_busy_fortnight()
    intake = factories.make_intake(duration_days=10)
    page = open_browser(viewport, javascript=javascript)
    name = f"{viewport['width']}-{'js' if javascript else 'no-js'}"
    appointment = services.appointment_book(intake=intake, slot_id=slot_open_queryset()[0].pk)
    here = f"{live_server.url}/book/appointment/{appointment_token(appointment)}/reschedule/"
    page.goto(here)
    assert page.locator("h1").inner_text() == "Move your appointment"
    assert_short(page)
    shot(page, f"{name}-move-1-days")
    tab_to(page, '.clinician-filter a:text("Dr. Daniel Okafor")')
    press_enter_and_wait(page)
    assert page.locator(".clinician-filter [aria-current]").inner_text() == "Dr. Daniel Okafor"
    assert "With Dr. Daniel Okafor" in page.locator(".clinician-title").inner_text()
    short, time, slot_id = pick_second_day_and_a_time(page)
    assert "clinician=" in page.url  # the day links kept the clinician
    if javascript:
        assert page.locator(".continue-bar button").inner_text() == f"Continue — {short}, {time}"
    assert_short(page)
    shot(page, f"{name}-move-2-time-chosen")
    tab_to(page, ".continue-bar button")
    press_enter_and_wait(page)
    assert page.locator("h1").inner_text() == "Move your appointment"
    tab_to(page, "main button[type=submit]")
    press_enter_and_wait(page)
    assert "Your appointment has moved" in page.get_by_role("status").inner_text()
    appointment.refresh_from_db()
    assert appointment.slot_id == int(slot_id)
    assert appointment.clinician.display_name == "Dr. Daniel Okafor"


def test_first_available_is_one_tap_to_confirm(live_server, open_browser):
    clinic_with_a_busy_fortnight()
    intake = factories.make_intake(duration_days=10)
    verify_contact(intake)
    page = open_browser(PHONE)
    page.goto(f"{live_server.url}/book/{intake_token(intake)}/")
    first = page.locator(".first-available a")
    label = first.inner_text()
    with page.expect_navigation():
        first.click()
    assert page.locator("h1").inner_text() == "Confirm your appointment"
    # "First available: Mon 30 Nov, 2:00 pm" names the time the confirm step shows.
    time = label.split(", ")[1].split("\n")[0].split(" with")[0]
    assert f", {time} (" in page.locator(".when").inner_text()


def test_the_picker_pages_have_no_serious_violation(live_server, open_browser):
    clinic_with_a_busy_fortnight()
    intake = factories.make_intake(duration_days=10)
    verify_contact(intake)
    page = open_browser(PHONE, bypass_csp=True)  # axe is injected; the pages forbid that
    book = f"{live_server.url}/book/{intake_token(intake)}/"
    failures = {}
    page.goto(book)
    page.locator(".slot").first.click()  # today may have only one time left
    assert page.locator(".continue-bar button").inner_text().startswith("Continue — ")
    failures["a time chosen, the bar showing"] = serious_violations(page)
    page.goto(f"{book}?day=not-a-day&clinician=nobody")
    assert page.get_by_role("status").count() == 2
    failures["notices"] = serious_violations(page)
    shot(page, "390-notices")
    page.goto(f"{book}confirm/?slot=0")
    assert "Please choose one of the free times below." in page.get_by_role("alert").inner_text()
    failures["no such time"] = serious_violations(page)
    shot(page, "390-no-such-time")
    assert {k: v for k, v in failures.items() if v} == {}


def test_on_a_phone_the_strip_shows_the_chosen_day(live_server, open_browser):
    """A later day's page opens with that day scrolled into the strip (static/js/booking.js)."""
    clinic_with_a_busy_fortnight()
    intake = factories.make_intake(duration_days=10)
    verify_contact(intake)
    page = open_browser(PHONE)
    book = f"{live_server.url}/book/{intake_token(intake)}/"
    page.goto(book)
    last = page.locator(".day-strip a").last.get_attribute("href")
    page.goto(live_server.url + last)
    current = page.locator(".day-strip a[aria-current]").bounding_box()
    assert current["x"] >= 0 and current["x"] + current["width"] <= PHONE["width"]
    assert page.evaluate("document.querySelector('.day-strip').scrollLeft") > 0
    shot(page, "390-js-last-day")

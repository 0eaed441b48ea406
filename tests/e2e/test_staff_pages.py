"""Staff pages at desktop width (1366 px) and on a phone (390 px): the sign-in, the queue,
the outcomes page fitting the screen, the 403/404 inside the staff layout; axe on each."""

import pytest
from django.contrib.auth import get_user_model

from dashboard.services import staff_groups_sync
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accessibility import serious_violations
from tests.support.factories import make_intake

pytestmark = [pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff():
    groups = staff_groups_sync()
    clinician = get_user_model().objects.create_user("dr.wide", password=PASSWORD)
    clinician.groups.add(groups["clinician"])
    desk = get_user_model().objects.create_user("frank.desk", password=PASSWORD)
    desk.groups.add(groups["front_desk"])
    return clinician, desk


def open_page(browser, width: int, height: int):
    # bypass_csp only so that axe can be injected; the pages themselves never need it.
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"staff--{name}.png"), full_page=True)


def overflows(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")


def test_the_staff_pages_fit_at_1366_px_and_pass_axe(live_server, browser, staff):
    make_intake(patient_overrides={"name": "Rita Routine", "phone": "+1 202 555 0143"})
    context, page = open_page(browser, 1366, 900)
    try:
        page.goto(live_server.url + "/staff/login/")
        username = page.locator("#id_username").bounding_box()
        password = page.locator("#id_password").bounding_box()
        assert username and password and abs(username["width"] - password["width"]) < 1
        assert "In an emergency" not in page.content()
        assert serious_violations(page) == []
        shot(page, "1366-sign-in")

        sign_in(page, live_server.url, "dr.wide")
        assert "None waiting" in page.locator("#urgent-block").inner_text()
        assert serious_violations(page) == []
        shot(page, "1366-queue")

        page.goto(live_server.url + "/staff/outcomes/")
        assert not overflows(page), "the outcomes page scrolls sideways at 1366 px"
        for table in page.locator(".table-scroll").all():
            assert table.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), (
                "a table scrolls sideways at 1366 px"
            )
        assert serious_violations(page) == []
        shot(page, "1366-outcomes")

        page.goto(live_server.url + "/staff/messages/")
        assert serious_violations(page) == []
        shot(page, "1366-messages")

        page.goto(live_server.url + "/staff/intakes/999999/")
        assert "Back to the queue" in page.inner_text("main")
        assert serious_violations(page) == []
        shot(page, "1366-not-found")
    finally:
        context.close()


def test_front_desk_sees_the_403_inside_the_staff_layout(live_server, browser, staff):
    context, page = open_page(browser, 1366, 900)
    try:
        sign_in(page, live_server.url, "frank.desk")
        response = page.goto(live_server.url + "/staff/outcomes/")
        assert response is not None and response.status == 403
        assert "Your role cannot open this page" in page.inner_text("main")
        assert page.locator(".staff-nav").is_visible()
        assert serious_violations(page) == []
        shot(page, "1366-forbidden")
    finally:
        context.close()


def test_the_outcomes_tables_scroll_inside_their_box_on_a_phone(live_server, browser, staff):
    make_intake()
    context, page = open_page(browser, 390, 844)
    try:
        sign_in(page, live_server.url, "dr.wide")
        page.goto(live_server.url + "/staff/outcomes/")
        assert not overflows(page), "the page itself scrolls sideways at 390 px"
        shot(page, "390-outcomes")
    finally:
        context.close()

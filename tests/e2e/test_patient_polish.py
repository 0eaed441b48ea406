"""Patient polish at 390 px: the favicon, a focus ring seen on white and on teal, the 404 page,
and the result page printed without its buttons."""

import pytest

from intake.links import intake_token
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accessibility import serious_violations
from tests.support.factories import make_intake

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"patient--390-{name}.png"), full_page=True)


def ring(page, selector: str) -> dict:
    page.locator(selector).first.focus()
    return page.locator(selector).first.evaluate(
        "el => { const s = getComputedStyle(el);"
        " return {outline: s.outlineStyle + ' ' + s.outlineColor, shadow: s.boxShadow}; }"
    )


def test_the_focus_ring_shows_on_the_teal_header_and_on_white(live_server, phone):
    phone.goto(live_server.url + "/intake/")
    assert phone.locator('link[rel="icon"]').get_attribute("href") == "/static/favicon.svg"
    assert phone.request.get(live_server.url + "/static/favicon.svg").ok
    phone.keyboard.press("Tab")  # the skip link
    phone.keyboard.press("Tab")  # the clinic's name, on teal
    on_teal = phone.evaluate("document.activeElement.className")
    assert on_teal == "brand"
    shot(phone, "focus-on-teal")
    header = ring(phone, ".site-header .brand")
    white = ring(phone, "main a, main button")
    for style in (header, white):
        assert style["outline"] == "solid rgb(255, 191, 71)"  # yellow: seen on teal
        assert "rgb(27, 31, 36)" in style["shadow"]  # near-black: seen on white
    shot(phone, "focus-on-white")


def test_the_patient_404_page_is_styled_and_passes_axe(live_server, phone):
    response = phone.goto(live_server.url + "/intake/no-such-page/")
    assert response is not None and response.status == 404
    assert "Page not found" in phone.inner_text("main")
    assert serious_violations(phone) == []
    shot(phone, "not-found")


def test_the_result_page_prints_without_its_buttons(live_server, phone):
    intake = make_intake()
    phone.goto(live_server.url + f"/intake/r/{intake_token(intake)}/")
    assert phone.locator(".actions").first.is_visible()
    phone.emulate_media(media="print")
    assert not phone.locator(".actions").first.is_visible()
    assert not phone.locator(".site-header").is_visible()
    assert phone.locator("#verdict").is_visible()
    assert phone.locator(".warning-box").is_visible()
    shot(phone, "result-print")

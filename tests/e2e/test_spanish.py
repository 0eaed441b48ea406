"""A Spanish browser at phone width (390 px): the urgent page in Spanish with lang="es", axe
with no serious violation, and the switch back to English in the header."""

import pytest

from intake import triage
from tests.e2e.test_accessibility import serious_violations

pytestmark = [pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def spanish_phone_page(browser):
    # locale sets Accept-Language; bypass_csp only so that the axe script can be injected.
    context = browser.new_context(bypass_csp=True, viewport=PHONE, locale="es-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def shoot(page, request, name: str) -> None:
    from tests.e2e.conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}--{name}.png"), full_page=True)


def test_a_spanish_browser_gets_the_urgent_page_in_spanish_and_can_switch(
    live_server, spanish_phone_page, request
):
    page = spanish_phone_page
    page.goto(live_server.url + "/intake/")
    assert page.locator("html").get_attribute("lang") == "es"
    for flag in triage.RED_FLAGS:
        page.locator(f"#id_{flag}_{0 if flag == 'numb_cold_foot' else 1}").check()
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()

    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("h1").inner_text() == "Vaya ahora: no espere nuestra llamada"
    route = page.locator(".route--emergency").inner_text()
    assert "Vaya a una sala de urgencias ahora" in route
    assert "Tiene el pie frío, pálido o azulado, o dormido" in route
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, request, "urgent-es")
    assert serious_violations(page) == []

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Español").is_visible()
    shoot(page, request, "after-switch-en")

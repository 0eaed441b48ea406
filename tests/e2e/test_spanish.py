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


def test_the_intake_form_in_spanish_at_phone_width_every_step_and_the_result(
    live_server, spanish_phone_page, request
):
    from intake.models import Intake

    page = spanish_phone_page
    failures: dict[str, list[str]] = {}

    def step(name: str, progress: str | None) -> None:
        assert page.locator("html").get_attribute("lang") == "es", name
        if progress:
            assert page.locator("#step-progress").inner_text() == progress
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
        shoot(page, request, name)
        failures[name] = serious_violations(page)

    def next_step() -> None:
        with page.expect_navigation():
            page.locator("button[value=next]").click()

    page.goto(live_server.url + "/intake/")
    step("1-safety", "Paso 1 de 6")
    assert page.locator("h1").inner_text() == "Control de dolor de rodilla"
    for flag in triage.RED_FLAGS:
        page.locator(f"#id_{flag}_1").check()  # "No"
    next_step()
    step("2-age", "Paso 2 de 6")
    assert "¿Qué edad tiene la persona con dolor de rodilla?" in page.content()
    page.locator("#id_age").fill("34")
    next_step()
    step("3-knee", "Paso 3 de 6")
    assert page.locator("h1").inner_text() == "Su rodilla y el dolor"
    page.locator("#id_knee_0").check()
    page.locator("#id_pain_now_3").check()
    page.locator("#id_duration_days").fill("4")
    next_step()
    step("4-pain", "Paso 4 de 6")
    assert (
        page.locator(".knee-hint").inner_text()
        == "Toque donde le duele, o marque las casillas de abajo."
    )
    page.locator("#id_pain_locations_0").check()
    page.locator("#id_pain_triggers_0").check()
    page.locator("#id_pain_triggers_1").check()
    next_step()
    step("5-running", "Paso 5 de 6")
    next_step()
    step("6-contact", "Paso 6 de 6")
    page.locator("#id_name").fill("Ana Ruiz")
    page.locator("#id_email").fill("ana@example.com")
    with page.expect_navigation():
        page.get_by_role("button", name="Ver mi resultado").click()
    step("result", None)
    assert page.locator(".eyebrow").first.text_content() == "Su resultado"
    assert page.locator(".pattern").inner_text().startswith("Rodilla del corredor")
    assert {name: found for name, found in failures.items() if found} == {}
    assert Intake.objects.get().patient.language == "es"

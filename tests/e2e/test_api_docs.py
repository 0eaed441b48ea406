"""/api/docs/ in Chromium with the CSP enforced: Swagger UI draws the operations, and an
operation opens on its worked example."""

import pytest

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_swagger_renders_an_operation_under_the_production_csp(live_server, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})  # CSP enforced
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    try:
        response = page.goto(live_server.url + "/api/docs/")
        assert response is not None
        assert "script-src 'self'" in response.headers["content-security-policy"]

        operation = page.locator("#operations-Intake-intake_create")
        operation.wait_for(timeout=15_000)
        operation.locator(".opblock-summary-control").click()
        body = operation.locator(".body-param__example, .highlight-code").first
        body.wait_for()
        assert "Alex Runner" in body.inner_text()
        assert "under_kneecap" in body.inner_text()

        from tests.e2e.conftest import ARTIFACTS

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "api-docs--1366.png"), full_page=False)
        assert refused == []
    finally:
        context.close()

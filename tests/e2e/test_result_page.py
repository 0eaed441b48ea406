"""The result page in Chromium at phone and desktop widths: what is advised comes first, and
the disclaimer sits directly under the pattern, in type no smaller than the body."""

import pytest

from intake import triage
from intake.links import intake_token
from tests.support import factories

pytestmark = [pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": 390, "desktop": 1366}


@pytest.fixture(params=list(WIDTHS))
def sized_page(browser, request):
    context = browser.new_context(viewport={"width": WIDTHS[request.param], "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield request.param, page
    context.close()


@pytest.mark.parametrize(
    "answers",
    [{}, {"duration_days": 30, "symptoms": ["giving_way"]}],
    ids=["self_care", "assessment"],
)
def test_the_disclaimer_sits_under_the_pattern_at_body_size(
    live_server, sized_page, answers, request
):
    _width, page = sized_page
    intake = factories.make_intake(**answers)
    page.goto(f"{live_server.url}/intake/r/{intake_token(intake)}/")
    name = triage.pattern_name(intake.outcome.pattern)
    assert page.locator("h2.pattern").inner_text() == name
    # The very next element after the pattern's name is the disclaimer.
    assert page.locator("h2.pattern + p.disclaimer").inner_text() == triage.DISCLAIMER
    sizes = page.evaluate(
        """() => {
          const px = (el) => parseFloat(getComputedStyle(el).fontSize);
          const panel = document.querySelector('.pattern-panel');
          const body = panel.querySelector('p:not(.disclaimer):not(.pattern-intro)');
          return {disclaimer: px(document.querySelector('.disclaimer')), body: px(body),
                  root: px(document.body), overflow: document.documentElement.scrollWidth
                    - document.documentElement.clientWidth};
        }"""
    )
    assert sizes["disclaimer"] >= sizes["body"] == sizes["root"]
    assert sizes["overflow"] <= 0, "nothing wider than the screen"
    # What is advised is the first thing read, above the pattern.
    verdict = page.locator("h1").bounding_box()
    assert verdict["y"] < page.locator("h2.pattern").bounding_box()["y"]
    page.screenshot(
        path=f"test-artifacts/screenshots/result-{request.node.callspec.id}.png", full_page=True
    )

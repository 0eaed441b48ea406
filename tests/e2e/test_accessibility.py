"""Every patient page passes axe-core in Chromium with no serious or critical violation.

axe-core is vendored in tests/e2e/vendor (MPL-2.0, Deque Systems): no network in tests.
"""

from pathlib import Path

import pytest

from intake.services import intake_token
from tests import factories
from tests.referrals.conftest import make_clinician

pytestmark = [pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
RED_FLAGS = (
    "cannot_bear_weight",
    "hot_swollen_fever",
    "calf_swelling_pain",
    "numb_cold_foot",
    "deformity_after_injury",
    "cannot_straighten",
    "night_pain_weight_loss",
)


@pytest.fixture
def axe_page(browser):
    # The pages' CSP rightly forbids injected scripts; only the audit itself bypasses it.
    context = browser.new_context(bypass_csp=True, viewport={"width": 412, "height": 915})
    page = context.new_page()
    yield page
    context.close()


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def patient_pages(live_server) -> dict[str, str]:
    make_clinician(hours=((8, 18),), weekdays=(0, 1, 2, 3, 4, 5, 6))
    self_care = factories.make_intake()
    assessment = factories.make_intake(duration_days=30, pain_locations=["all_over"])
    urgent = factories.make_intake(red_flags=["numb_cold_foot"])
    base = live_server.url
    return {
        "safety questions": f"{base}/intake/",
        "result (self-care)": f"{base}/intake/r/{intake_token(self_care)}/",
        "result (assessment)": f"{base}/intake/r/{intake_token(assessment)}/",
        "result (urgent)": f"{base}/intake/r/{intake_token(urgent)}/",
        "bad link": f"{base}/intake/r/not-a-token/",
        "booking": f"{base}/book/{intake_token(assessment)}/",
    }


def test_the_patient_pages_have_no_serious_accessibility_violation(live_server, axe_page):
    failures = {}
    for name, url in patient_pages(live_server).items():
        axe_page.goto(url)
        found = serious_violations(axe_page)
        if found:
            failures[name] = found
    assert failures == {}


def test_the_form_steps_and_their_errors_have_no_serious_violation(live_server, axe_page):
    axe_page.goto(live_server.url + "/intake/")
    axe_page.locator("button[type=submit]").click()  # nothing answered: every error shown
    axe_page.wait_for_load_state()
    failures = {"safety errors": serious_violations(axe_page)}
    axe_page.goto(live_server.url + "/intake/")
    for flag in RED_FLAGS:
        axe_page.locator(f"#id_{flag}_1").check()
    axe_page.locator("button[type=submit]").click()
    axe_page.wait_for_load_state()
    failures["details"] = serious_violations(axe_page)
    axe_page.locator("button[type=submit]").click()
    axe_page.wait_for_load_state()
    failures["details errors"] = serious_violations(axe_page)
    assert {k: v for k, v in failures.items() if v} == {}


def test_the_audit_does_catch_a_serious_violation(axe_page):
    """The harness itself: an unlabelled input and an image without alt text are caught."""
    axe_page.set_content('<html lang="en"><body><img src="x.png"><input type="text"></body></html>')
    found = " ".join(serious_violations(axe_page))
    assert "image-alt" in found
    assert "label" in found

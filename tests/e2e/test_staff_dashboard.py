"""The clinician's path in a real browser: sign in → queue → urgent intake → acknowledge."""

import pytest
from django.contrib.auth import get_user_model

from dashboard.models import Acknowledgement
from dashboard.services import staff_groups_sync
from tests.support.browser import tab_to
from tests.support.factories import make_intake

pytestmark = [pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def clinician():
    # A transactional test empties the tables afterwards, groups included: make them again.
    groups = staff_groups_sync()
    user = get_user_model().objects.create_user("dr.browser", password=PASSWORD)
    user.groups.add(groups["clinician"])
    return user


def test_a_clinician_acknowledges_an_urgent_intake_from_the_queue(
    live_server, page, screenshot, clinician
):
    urgent = make_intake(red_flags=["calf_swelling_pain"], patient_overrides={"name": "Uma Urgent"})
    make_intake(patient_overrides={"name": "Rita Routine"})

    page.goto(live_server.url + "/staff/")
    assert "/staff/login/" in page.url
    tab_to(page, "#id_username")
    page.keyboard.type("dr.browser")
    tab_to(page, "#id_password")
    page.keyboard.type(PASSWORD)
    screenshot("1-sign-in")
    tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url == live_server.url + "/staff/"
    urgent_block = page.locator("#urgent-block")
    assert "Uma Urgent" in urgent_block.inner_text()
    assert "waiting" in urgent_block.inner_text()
    assert "Rita Routine" in page.locator("#intake-list").inner_text()
    screenshot("2-queue")

    with page.expect_navigation():
        urgent_block.get_by_role("link", name="Uma Urgent").click()
    assert page.url == live_server.url + f"/staff/intakes/{urgent.pk}/"
    assert "Urgent alert, not yet acknowledged." in page.locator("#alert").inner_text()
    assert page.locator("#answers").is_visible()
    screenshot("3-urgent-intake")

    tab_to(page, "#acknowledge")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Urgent alert acknowledged by dr.browser" in page.locator("#alert").inner_text()
    assert page.locator("#status").inner_text() == "Acknowledged"
    screenshot("4-acknowledged")
    assert Acknowledgement.objects.get(intake=urgent).acknowledged_by == clinician

    page.goto(live_server.url + "/staff/")
    assert "Uma Urgent" not in page.locator("#urgent-block").inner_text()

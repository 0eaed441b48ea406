"""Every patient page at 390 px and every staff page at 1366 px, in one browser: a full-page
screenshot of each in test-artifacts/screenshots/ (sweep-patient--*, sweep-staff--*), and
axe-core on each with no serious or critical violation (issue 14: "look at every screen")."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from clinic.messaging.models import Message
from clinic.messaging.suppressions import opt_out_url
from dashboard.services import staff_groups_sync
from intake.links import intake_token, short_booking_url
from referrals import services as booking
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accessibility import patient_pages, serious_violations
from tests.support import factories
from tests.support.booking import make_clinician, open_slots, verify_contact

pytestmark = [pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def _context(browser, width: int, height: int):
    # bypass_csp only so that axe can be injected; the pages themselves never need it.
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _check(page, name: str, failures: dict[str, list[str]]) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    found = serious_violations(page)
    if found:
        failures[name] = found


def _submit(page) -> None:
    with page.expect_navigation():
        page.locator("main button[type=submit]").first.click()


def _form_steps(page, base: str, failures: dict[str, list[str]]) -> None:
    """The form as a patient walks it: safety, age, the rest; and the urgent page."""
    page.goto(f"{base}/intake/")
    _check(page, "sweep-patient--form-1-safety", failures)
    for radio in page.locator("input[type=radio][value=no]").all():
        radio.check()
    _submit(page)
    _check(page, "sweep-patient--form-2-age", failures)
    page.locator("#id_age").fill("34")
    _submit(page)
    _check(page, "sweep-patient--form-3-details", failures)
    page.goto(f"{base}/intake/")
    page.locator("input[type=radio][value=yes]").first.check()
    for radio in page.locator("input[type=radio][value=no]").all()[1:]:
        radio.check()
    _submit(page)
    _check(page, "sweep-patient--form-urgent", failures)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _extra_patient_pages(base: str) -> dict[str, str]:
    """What patient_pages (the accessibility test's list) leaves out."""
    assessment = factories.make_intake(duration_days=30, pain_locations=["all_over"])
    verify_contact(assessment)
    message = Message.objects.filter(channel="email").exclude(purpose__startswith="staff").first()
    assert message is not None  # the plans the intakes sent
    slot = open_slots()[0].pk
    return {
        "confirm": f"{base}/book/{intake_token(assessment)}/confirm/?slot={slot}",
        "short booking link": base + _path(short_booking_url(assessment)),
        "opt-out": base + _path(opt_out_url(message.pk)),
        "not found": f"{base}/no-such-page/",
    }


def test_every_patient_page_at_390_px(live_server, browser):
    failures: dict[str, list[str]] = {}
    context, page = _context(browser, 390, 844)
    try:
        _form_steps(page, live_server.url, failures)
        pages = {**patient_pages(live_server), **_extra_patient_pages(live_server.url)}
        for name, url in pages.items():
            page.goto(url)
            _check(page, "sweep-patient--" + name.replace(" ", "-").replace(",", ""), failures)
    finally:
        context.close()
    assert failures == {}


@pytest.fixture
def staff_cast():
    groups = staff_groups_sync()
    clinician = make_clinician(hours=((8, 18),), weekdays=(0, 1, 2, 3, 4, 5, 6))
    user = clinician.user
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(groups["clinician"])
    desk = get_user_model().objects.create_user("frank.desk", password=PASSWORD)
    desk.groups.add(groups["front_desk"])
    return user, desk


def _sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def test_every_staff_page_at_1366_px(live_server, browser, staff_cast):
    clinician, _ = staff_cast
    routine = factories.make_intake(
        patient_overrides={"name": "Rita Routine", "phone": "+1 202 555 0143"}
    )
    factories.make_intake(red_flags=["numb_cold_foot"])
    booked = factories.make_intake(duration_days=10)
    appointment = booking.appointment_book(intake=booked, slot_id=open_slots()[0].pk)
    base = live_server.url
    failures: dict[str, list[str]] = {}
    context, page = _context(browser, 1366, 900)
    try:
        page.goto(base + "/staff/login/")
        _check(page, "sweep-staff--sign-in", failures)
        _sign_in(page, base, clinician.username)
        pages = {
            "queue": reverse("dashboard:queue"),
            "intake": reverse("dashboard:intake", args=[routine.pk]),
            "messages": reverse("dashboard:messages"),
            "outcomes": reverse("dashboard:outcomes"),
            "quality": reverse("dashboard:quality"),
            "appointment-outcome": reverse("dashboard:appointment_outcome", args=[appointment.pk]),
            "hours-displaced": reverse("dashboard:appointments_displaced"),
            "front-desk-book": reverse("dashboard:intake_book", args=[routine.pk]),
            "not-found": "/staff/intakes/999999/",
        }
        for name, path in pages.items():
            page.goto(base + path)
            _check(page, f"sweep-staff--{name}", failures)
        page.context.clear_cookies()
        _sign_in(page, base, "frank.desk")
        page.goto(base + reverse("dashboard:outcomes"))
        _check(page, "sweep-staff--forbidden", failures)
    finally:
        context.close()
    assert failures == {}

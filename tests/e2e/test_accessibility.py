"""Every patient page passes axe-core in Chromium with no serious or critical violation.

axe-core is vendored in tests/e2e/vendor (MPL-2.0, Deque Systems): no network in tests.
"""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from intake import triage
from intake.follow_ups import follow_up_respond, followups_send_due
from intake.links import follow_up_token, intake_token
from intake.models import FollowUp
from referrals import services as booking
from referrals.models import Appointment
from referrals.selectors import appointment_token
from tests.support import factories
from tests.support.booking import make_clinician, open_slots, verify_contact

pytestmark = [pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
RED_FLAGS = tuple(triage.RED_FLAGS)  # the safety questions, in the order asked


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


def expired_token(make_token, obj, max_age: timedelta) -> str:
    """A link for `obj` minted a day longer ago than its kind of link lives."""
    with time_machine.travel(timezone.now() - max_age - timedelta(days=1)):
        return make_token(obj)


def sent_follow_ups(count: int) -> list[FollowUp]:
    """`count` patients' one-week check-ins, sent by the scan run when they fall due."""
    intakes = [factories.make_intake() for _ in range(count)]  # pain 3 at intake
    followups_send_due(now=timezone.now() + settings.FOLLOW_UP_DELAY)
    return [intake.follow_up for intake in intakes]


def booked_appointments(count: int) -> list[Appointment]:
    """`count` assessment patients, each booked into the next free time."""
    return [
        booking.appointment_book(
            intake=factories.make_intake(duration_days=10), slot_id=open_slots()[0].pk
        )
        for _ in range(count)
    ]


def patient_pages(live_server) -> dict[str, str]:
    make_clinician(hours=((8, 18),), weekdays=(0, 1, 2, 3, 4, 5, 6))
    self_care = factories.make_intake()
    assessment = factories.make_intake(duration_days=30, pain_locations=["all_over"])
    verify_contact(assessment)  # the picker itself; the contact check page is listed below
    urgent = factories.make_intake(red_flags=["numb_cold_foot"])
    base = live_server.url
    return {
        "safety questions": f"{base}/intake/",
        "result (self-care)": f"{base}/intake/r/{intake_token(self_care)}/",
        "result (assessment)": f"{base}/intake/r/{intake_token(assessment)}/",
        "result (urgent)": f"{base}/intake/r/{intake_token(urgent)}/",
        "bad link": f"{base}/intake/r/not-a-token/",
        "booking": f"{base}/book/{intake_token(assessment)}/",
        "booking contact check": f"{base}/book/{intake_token(self_care)}/verify/",
        **follow_up_pages(base),
        **appointment_pages(base),
    }


def follow_up_pages(base: str) -> dict[str, str]:
    """The check-in page open, already answered (either way), and behind a dead link."""
    question, invited, encouraged = sent_follow_ups(3)
    follow_up_respond(follow_up_id=invited.pk, answer="worse")
    follow_up_respond(follow_up_id=encouraged.pk, answer="better", pain_now=0)
    expired = expired_token(follow_up_token, question, settings.FOLLOW_UP_LINK_MAX_AGE)
    return {
        "follow-up question": f"{base}/f/{follow_up_token(question)}/",
        "follow-up chosen answer": f"{base}/f/{follow_up_token(question)}/?answer=worse",
        "follow-up already answered (book)": f"{base}/f/{follow_up_token(invited)}/",
        "follow-up already answered (better)": f"{base}/f/{follow_up_token(encouraged)}/",
        "follow-up bad link": f"{base}/f/not-a-token/",
        "follow-up expired link": f"{base}/f/{expired}/",
    }


def appointment_pages(base: str) -> dict[str, str]:
    """An appointment booked, cancelled and past: its page, cancel and move pages, dead links."""
    booked, cancelled, past = booked_appointments(3)
    booking.appointment_cancel(appointment=cancelled)
    Appointment.objects.filter(pk=past.pk).update(status=Appointment.Status.COMPLETED)
    expired = expired_token(appointment_token, booked, settings.PATIENT_LINK_MAX_AGE)
    here = f"{base}/book/appointment/{appointment_token(booked)}"
    return {
        "appointment (booked)": f"{here}/",
        "appointment cancel": f"{here}/cancel/",
        "appointment move": f"{here}/reschedule/",
        "appointment move confirm": f"{here}/reschedule/?slot={open_slots()[0].pk}",
        "appointment move, time gone": f"{here}/reschedule/?slot={booked.slot_id}",
        "appointment (cancelled)": f"{base}/book/appointment/{appointment_token(cancelled)}/",
        "appointment (taken place)": f"{base}/book/appointment/{appointment_token(past)}/",
        "appointment bad link": f"{base}/book/appointment/not-a-token/",
        "appointment expired link": f"{base}/book/appointment/{expired}/",
    }


def test_the_patient_pages_have_no_serious_accessibility_violation(live_server, axe_page):
    failures = {}
    for name, url in patient_pages(live_server).items():
        axe_page.goto(url)
        found = serious_violations(axe_page)
        if found:
            failures[name] = found
    assert failures == {}


def submit(page, button: str = "main button[type=submit] >> nth=0") -> None:
    with page.expect_navigation():
        page.locator(button).click()


def test_the_form_steps_and_their_errors_have_no_serious_violation(live_server, axe_page):
    axe_page.goto(live_server.url + "/intake/")
    submit(axe_page)  # nothing answered: every error shown
    failures = {"safety errors": serious_violations(axe_page)}
    axe_page.goto(live_server.url + "/intake/")
    for flag in RED_FLAGS:
        axe_page.locator(f"#id_{flag}_1").check()
    submit(axe_page)
    failures["age"] = serious_violations(axe_page)
    submit(axe_page)  # no age: the error summary
    failures["age errors"] = serious_violations(axe_page)
    axe_page.locator("#id_age").fill("34")
    submit(axe_page)
    # Each detail step: as shown, then with its errors, then answered.
    answers = {
        "knee": lambda: (
            axe_page.locator("#id_knee_0").check(),
            axe_page.locator("#id_pain_now_4").check(),
            axe_page.locator("#id_duration_days").fill("3"),
        ),
        "pain": lambda: axe_page.locator("#id_pain_locations_0").check(),
        "running": lambda: axe_page.locator("#id_cadence_spm").fill("170"),
    }
    for step, answer in answers.items():
        failures[step] = serious_violations(axe_page)
        if step == "running":
            axe_page.locator("#id_cadence_spm").fill("5")
        submit(axe_page)
        failures[f"{step} errors"] = serious_violations(axe_page)
        answer()
        submit(axe_page)
    failures["details"] = serious_violations(axe_page)
    submit(axe_page)
    failures["details errors"] = serious_violations(axe_page)
    assert "How we keep in touch" in axe_page.inner_text("main")
    assert {k: v for k, v in failures.items() if v} == {}


def test_answering_a_check_in_and_its_outcomes_have_no_serious_violation(live_server, axe_page):
    invited, encouraged = sent_follow_ups(2)
    axe_page.goto(f"{live_server.url}/f/{follow_up_token(invited)}/")
    submit(axe_page)  # nothing chosen: the error summary
    failures = {"answer errors": serious_violations(axe_page)}
    axe_page.get_by_label("Worse").check()
    submit(axe_page)
    # `worse` asks the warning signs again before anything is recorded (spec section 6).
    assert "First, the safety questions again" in axe_page.locator("main").inner_text()
    failures["worse, the safety questions again"] = serious_violations(axe_page)
    for flag in RED_FLAGS:
        axe_page.locator(f"#id_{flag}_1").check()
    submit(axe_page)
    assert axe_page.get_by_role("link", name="Book your free second opinion").is_visible()
    failures["thanks, invited to book"] = serious_violations(axe_page)
    axe_page.goto(f"{live_server.url}/f/{follow_up_token(encouraged)}/?answer=better")
    axe_page.get_by_label("Pain right now (optional)").select_option("0")
    submit(axe_page)
    assert "Great news" in axe_page.locator("main").inner_text()
    failures["thanks, encouraged"] = serious_violations(axe_page)
    assert {k: v for k, v in failures.items() if v} == {}


def test_moving_and_cancelling_an_appointment_have_no_serious_violation(live_server, axe_page):
    make_clinician(hours=((8, 18),), weekdays=(0, 1, 2, 3, 4, 5, 6))
    moved, cancelled = booked_appointments(2)
    here = f"{live_server.url}/book/appointment/{appointment_token(moved)}"
    axe_page.goto(f"{here}/reschedule/?slot={open_slots()[0].pk}")
    submit(axe_page)
    assert "Your appointment has moved" in axe_page.get_by_role("status").inner_text()
    failures = {"moved": serious_violations(axe_page)}
    axe_page.goto(f"{live_server.url}/book/appointment/{appointment_token(cancelled)}/cancel/")
    submit(axe_page)
    assert "Your appointment is cancelled" in axe_page.get_by_role("status").inner_text()
    assert axe_page.locator("h1").inner_text() == "This appointment was cancelled"
    failures["cancelled"] = serious_violations(axe_page)
    assert {k: v for k, v in failures.items() if v} == {}


def test_the_audit_does_catch_a_serious_violation(axe_page):
    """The harness itself: an unlabelled input and an image without alt text are caught."""
    axe_page.set_content('<html lang="en"><body><img src="x.png"><input type="text"></body></html>')
    found = " ".join(serious_violations(axe_page))
    assert "image-alt" in found
    assert "label" in found

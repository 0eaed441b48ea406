"""Every email shares one inline-CSS layout; answers are big buttons; footers fit the message."""

import re
from pathlib import Path

import pytest

from clinic.messaging.models import Channel
from clinic.messaging.rendering import OPT_OUT_URL_SLOT, message_render

EMAILS = Path(__file__).resolve().parents[2] / "templates" / "emails"
TEMPLATES = sorted(p.name.removesuffix("-body.html") for p in EMAILS.glob("*-body.html"))
# The clinic's own mail to its staff: no opt-out, and links to /staff/.
STAFF_TEMPLATES = {t for t in TEMPLATES if t.startswith("staff_") or "_clinician_" in t}
STAFF_TEMPLATES |= {"urgent_escalation"}


def render(template: str, **context) -> tuple[str, str, str]:
    return message_render(
        channel=Channel.EMAIL,
        template=template,
        context={"first_name": "Alex", **context},
        opt_out_link=template not in STAFF_TEMPLATES,
    )


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_email_uses_the_one_inline_css_layout(template, settings):
    _, _, html = render(template)
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert html.count("</body>") == 1
    assert "<style" not in html.lower(), "clients drop <style>: inline styles only"
    assert 'role="presentation"' in html
    assert f">{settings.CLINIC_NAME}</td>" in html  # the header band
    assert "<!-- stride:footer -->" not in html or template in STAFF_TEMPLATES


def test_the_follow_up_answers_are_three_big_buttons():
    urls = {
        "better": "https://c.example/b",
        "same": "https://c.example/s",
        "worse": "https://c.example/w",
    }
    for template in ("followup_question", "followup_reminder"):
        _, _, html = render(template, answer_urls=urls)
        buttons = re.findall(r'<a href="([^"]+)" style="display:block;padding:14px', html)
        assert buttons == [urls["better"], urls["same"], urls["worse"]], template
        for label in ("Better", "About the same", "Worse"):
            assert f">{label}</a>" in html


@pytest.mark.parametrize(
    ("template", "why"),
    [
        ("plan", "because you filled in"),
        ("followup_question", "check in on your knee"),
        ("followup_invite", "check in on your knee"),
        ("appointment_confirmation", "because you booked an appointment"),
        ("appointment_reminder", "because you booked an appointment"),
        ("appointment_cancelled", "because you booked an appointment"),
        ("appointment_missed", "because you booked an appointment"),
        ("contact_verify", "because you asked to book"),
    ],
)
def test_a_patient_footer_says_why_this_message_came_and_how_to_stop(template, why):
    _, text, html = render(template)
    for body in (text, html):
        assert why in body
        assert OPT_OUT_URL_SLOT in body
    # The opt-out sits inside the layout's footer cell, not after the document.
    assert html.index(OPT_OUT_URL_SLOT) < html.rindex("</td></tr>\n</table>\n</td></tr>")


@pytest.mark.parametrize("template", sorted(STAFF_TEMPLATES))
def test_staff_emails_link_to_the_staff_dashboard_not_the_admin(template, settings):
    staff_url = settings.SITE_URL + "/staff/intakes/7/"
    _, text, html = render(template, staff_url=staff_url, intake_id=7, appointment_id=3)
    assert f'href="{staff_url}"' in html
    assert staff_url in text
    assert "/admin/" not in html + text
    assert OPT_OUT_URL_SLOT not in html + text
    assert "check in on your knee" not in html


@pytest.mark.django_db
def test_a_clinicians_booking_email_carries_the_staff_link(settings):
    from clinic.messaging.models import Message
    from referrals import services
    from tests.support.booking import make_clinician, open_slots
    from tests.support.factories import make_intake

    make_clinician()
    slot = open_slots()[0]
    intake = make_intake()
    services.appointment_book(intake=intake, slot_id=slot.pk)
    message = Message.objects.get(template="appointment_clinician_booked")
    assert f"{settings.SITE_URL}/staff/intakes/{intake.pk}/" in message.body_html
    assert "/admin/" not in message.body_html + message.body_text

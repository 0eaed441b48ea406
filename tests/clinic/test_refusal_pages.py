"""The one HTML answer to a refusal (ApplicationErrorMiddleware), through every patient page
family: a bad link is a 404 and an expired one a 410, on the "can't open this link" page."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings

from intake.links import follow_up_token, intake_token
from intake.models import FollowUp
from referrals import services as booking
from referrals.models import Slot
from referrals.selectors import appointment_token
from tests.support import factories
from tests.support.booking import make_clinician

pytestmark = pytest.mark.django_db

NOW = "2026-12-01 12:00:00Z"  # a Tuesday, 07:00 in New York: today's slots are bookable
BAD = "This link is not valid. Please use the link from your latest message."
EXPIRED = "This link has expired. Please use the link from your latest message."


@pytest.fixture
def pages(settings) -> dict[str, str]:
    """One URL of each patient page family, for a patient with a follow-up and a booking."""
    settings.TIME_ZONE = "America/New_York"
    with time_machine.travel(NOW, tick=False):
        make_clinician()
        intake = factories.make_intake(duration_days=10)
        slot, other = Slot.objects.order_by("starts_at")[:2]
        appointment = booking.appointment_book(intake=intake, slot_id=slot.pk)
        token, booked = intake_token(intake), appointment_token(appointment)
        return {
            "result": f"/intake/r/{token}/",
            "advice sheet": f"/intake/r/{token}/advice.pdf",
            "follow-up": f"/f/{follow_up_token(intake.follow_up)}/",
            "booking": f"/book/{token}/",
            "booking confirm": f"/book/{token}/confirm/?slot={other.pk}",
            "appointment": f"/book/appointment/{booked}/",
            "appointment cancel": f"/book/appointment/{booked}/cancel/",
            "appointment reschedule": f"/book/appointment/{booked}/reschedule/",
            "appointment calendar": f"/book/appointment/{booked}/calendar.ics",
        }


def _tampered(url: str) -> str:
    path, _, query = url.partition("?")
    head, token, tail = path.rpartition(":")  # signed tokens end in ":<signature>"
    signature, slash, rest = tail.partition("/")
    wrong = signature[:-3] + ("abc" if not signature.endswith("abc") else "xyz")
    return f"{head}{token}{wrong}{slash}{rest}" + (f"?{query}" if query else "")


def _refusal_page(response) -> str:
    assert response["Content-Type"].startswith("text/html"), response["Content-Type"]
    assert [t.name for t in response.templates][:1] == ["intake/bad_link.html"]
    body = response.content.decode()
    assert "We can&#x27;t open this link" in body or "We can't open this link" in body
    return body


def test_the_links_open_their_pages_before_anything_goes_wrong(client, pages):
    with time_machine.travel(NOW, tick=False):
        for name, url in pages.items():
            # Booking with an appointment already made leads on to it (a redirect).
            assert client.get(url).status_code in (200, 302), name


def test_a_tampered_link_is_a_404_on_the_refusal_page_for_every_family(client, pages):
    with time_machine.travel(NOW, tick=False):
        for name, url in pages.items():
            response = client.get(_tampered(url))
            assert response.status_code == 404, name
            assert BAD in _refusal_page(response), name


def test_an_expired_link_is_a_410_on_the_refusal_page_for_every_family(client, pages):
    later = max(settings.PATIENT_LINK_MAX_AGE, settings.FOLLOW_UP_LINK_MAX_AGE)
    with time_machine.travel(NOW, tick=False) as traveller:
        traveller.shift(later + timedelta(days=1))
        for name, url in pages.items():
            response = client.get(url)
            assert response.status_code == 410, name
            assert EXPIRED in _refusal_page(response), name


def test_a_posted_answer_through_a_bad_link_is_refused_the_same_way(client, pages):
    with time_machine.travel(NOW, tick=False):
        for name in ("follow-up", "booking confirm", "appointment cancel"):
            url = _tampered(pages[name]).partition("?")[0]
            response = client.post(url, {"answer": "same", "slot": "1"})
            assert response.status_code == 404, name
            assert BAD in _refusal_page(response), name


def test_a_link_to_a_record_that_is_gone_reads_as_a_bad_link(client, pages):
    with time_machine.travel(NOW, tick=False):
        FollowUp.objects.all().delete()
        response = client.get(pages["follow-up"])
    assert response.status_code == 404
    assert BAD in _refusal_page(response)


def test_a_closed_check_in_is_a_409_on_the_refusal_page(client, pages):
    # Cancelled before it was ever sent: there is no question to answer.
    FollowUp.objects.update(status=FollowUp.Status.CANCELLED, sent_at=None)
    with time_machine.travel(NOW, tick=False):
        response = client.post(pages["follow-up"], {"answer": "same"})
    assert response.status_code == 409
    assert "This check-in is closed." in _refusal_page(response)
    assert FollowUp.objects.get().answer in ("", None)


def test_the_api_keeps_its_json_error_body(client, pages):
    token = pages["result"].split("/")[3]
    with time_machine.travel(NOW, tick=False):
        response = client.get(f"/api/v1/intakes/{token[:-3]}abc/")
    assert response.status_code == 404
    assert response.json() == {"type": "invalid_link", "detail": BAD, "errors": {}}

"""Answering the check-in: opening a link changes nothing; the answer routes the patient."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from intake import triage
from intake.follow_ups import followups_send_due
from intake.links import booking_url, follow_up_answer_url, follow_up_token
from intake.models import FollowUp, Intake, Referral
from intake.selectors import intake_open_for_booking
from intake.triage import is_not_improving
from tests.support import factories

pytestmark = pytest.mark.django_db
# After `worse` the safety questions are asked again; "no" to each of them.
NO_FLAGS = {key: "no" for key in triage.RED_FLAGS}
API = "/api/v1/follow-ups/response/"
SUBMITTED = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def follow_up(django_capture_on_commit_callbacks) -> FollowUp:
    """A check-in sent a week after an intake with pain 5 (email channel)."""
    with time_machine.travel(SUBMITTED, tick=False):
        intake = factories.make_intake(pain_now=5)
    with time_machine.travel(SUBMITTED + timedelta(days=7), tick=False):
        followups_send_due()
    mail.outbox.clear()
    return FollowUp.objects.get(intake=intake)


def _path(follow_up, answer=None):
    url = follow_up_answer_url(follow_up, answer or "better")
    path = url.removeprefix("http://testserver")
    return path if answer else path.split("?")[0]


def _api(client, **body):
    return client.post(API, data=json.dumps(body), content_type="application/json")


# --- The rule (spec section 6) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "score", "intake_pain", "expected"),
    [
        ("same", None, 5, True),
        ("worse", None, 5, True),
        ("better", None, 5, False),
        ("better", 3, 5, False),  # exactly 2 points lower: improved
        ("better", 4, 5, True),  # 1 point lower: not enough
        ("better", 5, 5, True),
        ("better", 0, 5, False),
        ("better", 8, 10, False),
        ("better", 9, 10, True),
        ("same", 2, 5, True),  # "same" is not improving above the floor
        ("same", 0, 5, False),  # a score of 0 or 1 is always improving (rules 2026.12.1)
        ("worse", 1, 5, False),
        ("better", 0, 2, False),
        ("better", 0, 1, False),  # the floor: no 2-point drop is possible from 1
        ("better", 1, 1, False),
        ("better", 2, 3, True),
    ],
)
def test_the_not_improving_rule(answer, score, intake_pain, expected):
    assert is_not_improving(answer=answer, pain_now=score, intake_pain_now=intake_pain) is expected


# --- The web page ------------------------------------------------------------------------


def test_opening_an_answer_link_shows_the_answer_and_changes_nothing(client, follow_up):
    response = client.get(_path(follow_up, "worse"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="chosen-answer"' in html and "Worse" in html
    assert 'name="answer" value="worse"' in html
    assert 'name="pain_now"' in html
    assert "Send my answer" in html
    follow_up.refresh_from_db()
    assert follow_up.status == "sent" and follow_up.answer == ""
    assert Referral.objects.count() == 0
    assert mail.outbox == []


def test_the_page_without_a_chosen_answer_offers_all_three(client, follow_up):
    html = client.get(_path(follow_up)).content.decode()
    for answer in ("better", "same", "worse"):
        assert f'value="{answer}"' in html


def test_worse_flags_the_case_and_invites_to_book(
    client, follow_up, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(SUBMITTED + timedelta(days=8), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            _path(follow_up, "worse"), {"answer": "worse", "pain_now": "", **NO_FLAGS}
        )
        # A booking-only link, expiring with the follow-up link that opened the page.
        booking = re.search(r"http://testserver/book/([^/\"]+)/", response.content.decode())
        assert booking is not None
        assert intake_open_for_booking(booking.group(1))[0] == follow_up.intake
        assert client.get(f"/intake/r/{booking.group(1)}/").status_code == 404
    assert response.status_code == 200
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.answer, follow_up.pain_now) == ("answered", "worse", None)
    referral = Referral.objects.get()
    assert (referral.intake_id, referral.reason) == (follow_up.intake_id, "not_improving")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Your free second opinion"
    mailed = re.search(r"http://testserver/book/([^/\s\"]+)/", mail.outbox[0].body)
    assert mailed is not None
    with time_machine.travel(SUBMITTED + timedelta(days=8), tick=False):
        assert intake_open_for_booking(mailed.group(1))[0] == follow_up.intake


def test_better_with_a_good_score_encourages_and_closes_the_episode(
    client, follow_up, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_path(follow_up, "better"), {"answer": "better", "pain_now": "3"})
    assert response.status_code == 200
    assert "/book/" not in response.content.decode()
    assert Referral.objects.count() == 0
    assert Intake.objects.get().status == "closed"
    assert mail.outbox[0].subject == "Good to hear your knee is better"


def test_better_with_a_score_barely_lower_still_invites(
    client, follow_up, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_path(follow_up, "better"), {"answer": "better", "pain_now": "4"})
    assert Referral.objects.get().reason == "not_improving"
    assert Intake.objects.get().status == "new"
    assert mail.outbox[0].subject == "Your free second opinion"


def test_a_second_answer_on_the_web_is_refused_politely(client, follow_up):
    client.post(_path(follow_up, "worse"), {"answer": "worse", **NO_FLAGS})
    response = client.post(_path(follow_up, "better"), {"answer": "better"})
    assert response.status_code == 409
    assert "already answered" in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.answer == "worse"
    # Even opening a link again says so, without a form.
    response = client.get(_path(follow_up, "better"))
    assert response.status_code == 409
    assert "Send my answer" not in response.content.decode()


def test_a_bad_score_on_the_web_is_shown_and_nothing_is_recorded(client, follow_up):
    response = client.post(_path(follow_up, "same"), {"answer": "same", "pain_now": "11"})
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.status == "sent"


def test_a_tampered_link_is_refused(client, follow_up):
    response = client.get(_path(follow_up)[:-4] + "xyz/")
    assert response.status_code == 404


def test_an_intake_token_does_not_open_a_follow_up(client, follow_up):
    response = client.get(f"/f/{factories_intake_token(follow_up)}/")
    assert response.status_code == 404


def test_a_late_answer_after_expiry_is_still_recorded(client, follow_up):
    FollowUp.objects.filter(pk=follow_up.pk).update(status="expired")
    response = client.post(_path(follow_up, "same"), {"answer": "same"})
    assert response.status_code == 200
    assert Referral.objects.get().reason == "not_improving"


def test_a_patient_who_opted_out_after_the_question_may_still_answer_it(client, follow_up):
    FollowUp.objects.filter(pk=follow_up.pk).update(status="cancelled")
    response = client.post(_path(follow_up, "worse"), {"answer": "worse", **NO_FLAGS})
    assert response.status_code == 200
    assert Referral.objects.count() == 1


def test_a_check_in_that_never_went_out_cannot_be_answered(client, follow_up):
    FollowUp.objects.filter(pk=follow_up.pk).update(status="cancelled", sent_at=None)
    response = client.post(_path(follow_up, "worse"), {"answer": "worse", **NO_FLAGS})
    assert response.status_code == 409
    assert Referral.objects.count() == 0


# --- The API -----------------------------------------------------------------------------


def test_the_api_records_an_answer_and_returns_the_booking_link(
    client, follow_up, django_capture_on_commit_callbacks
):
    # Signed tokens carry a timestamp: one frozen instant makes the expected link exact.
    with (
        time_machine.travel(SUBMITTED + timedelta(days=8), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = _api(client, token=follow_up_token(follow_up), answer="same", pain_now=5)
        booking = booking_url(follow_up.intake)  # booking-only
    assert response.status_code == 200, response.content
    assert response.json() == {
        "answer": "same",
        "pain_now": 5,
        "pain_worst_week": None,
        "not_improving": True,
        "red_flags": [],
        "care_route": None,
        "care_route_text": None,
        "links": {"book": booking},
    }
    assert Referral.objects.get().reason == "not_improving"
    assert len(mail.outbox) == 1
    assert booking in mail.outbox[0].body


def test_the_api_accepts_better_without_a_score(client, follow_up):
    response = _api(client, token=follow_up_token(follow_up), answer="better")
    assert response.status_code == 200
    assert response.json()["not_improving"] is False
    assert response.json()["links"] == {}


def test_the_api_refuses_a_second_answer_with_409(client, follow_up):
    token = follow_up_token(follow_up)
    assert _api(client, token=token, answer="worse", pain_now=None).status_code == 200
    response = _api(client, token=token, answer="better", pain_now=1)
    assert response.status_code == 409
    assert response.json()["type"] == "already_answered"
    assert Referral.objects.count() == 1
    follow_up.refresh_from_db()
    assert follow_up.answer == "worse"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"answer": "fine"}, "answer"),
        ({"answer": "better", "pain_now": 11}, "pain_now"),
        ({"answer": "better", "pain_now": -1}, "pain_now"),
        ({"answer": "better", "pain_now": "3"}, "pain_now"),
        ({"answer": "better", "pain_now": True}, "pain_now"),
        ({"answer": "better", "pain_now": 2.5}, "pain_now"),
        ({"answer": "better", "pain_worst_week": 11}, "pain_worst_week"),
        ({"answer": "better", "pain_worst_week": "3"}, "pain_worst_week"),
        ({"answer": "better", "pain_worst_week": False}, "pain_worst_week"),
        ({"answer": "better", "mood": "good"}, "mood"),
    ],
)
def test_the_api_refuses_bad_input_field_by_field_and_records_nothing(
    client, follow_up, body, field
):
    response = _api(client, token=follow_up_token(follow_up), **body)
    assert response.status_code == 400
    data = response.json()
    assert data["type"] == "validation_error"
    assert field in data["errors"]
    follow_up.refresh_from_db()
    assert follow_up.status == "sent"


def test_the_api_refuses_a_missing_or_bad_token(client, follow_up):
    response = _api(client, answer="great", pain_now=12)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"token", "answer", "pain_now"}
    response = _api(client, token="nonsense", answer="better")
    assert response.status_code == 404
    assert response.json()["type"] == "invalid_link"


def test_the_api_names_every_bad_field_with_the_services_words_before_reading_the_token(
    client, follow_up
):
    response = _api(client, token=123, answer=None, pain_now="3", mood="good")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "mood": ["Unknown field."],
        "token": ["This field is required."],  # a token is text, never a number
        "answer": ['Choose "better", "same" or "worse".'],
        "pain_now": ["Must be a whole number from 0 to 10, or left out."],
    }
    blank = _api(client, token="", answer="better")
    assert blank.json()["errors"] == {"token": ["This field is required."]}
    spaced = _api(client, token=f" {follow_up_token(follow_up)} ", answer="better")
    assert spaced.status_code == 404  # sent as is: never trimmed into someone's token
    follow_up.refresh_from_db()
    assert follow_up.status == "sent"


def test_the_api_says_when_a_link_has_expired(client, follow_up, settings):
    token = follow_up_token(follow_up)
    with time_machine.travel(datetime.now(tz=UTC) + timedelta(days=31)):
        response = _api(client, token=token, answer="better")
    assert response.status_code == 410


def test_the_api_refuses_a_non_object_body(client):
    response = client.post(API, data="[1]", content_type="application/json")
    assert response.status_code == 400


def factories_intake_token(follow_up):
    from intake.links import intake_token

    return intake_token(follow_up.intake)

"""Nobody urgent falls through (spec section 7): the web safety screen, its call-back, changed
answers, the urgent texts and hours, and a follow-up answered `worse`."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from clinic.messaging.models import Message
from intake import triage
from intake.follow_ups import followups_send_due
from intake.links import follow_up_answer_url, follow_up_token
from intake.models import FollowUp, Intake, Referral, SafetyScreen, StaffAlert
from intake.urgent import clinic_hours, clinic_open_at, urgent_case_open
from tests.intake.test_views import details, safety
from tests.support import factories

pytestmark = pytest.mark.django_db

EMERGENCY_TEXT = "Go to an emergency department now, or call 911. Do not drive yourself."
SAME_DAY_TEXT = "Get seen today at an emergency department or an urgent-care centre"
WITHIN_48H_TEXT = "See a doctor within the next 1–2 days."
BREATHLESS = "If you become short of breath or have chest pain, call 911 now."


def call_back(client, **overrides):
    data = {"name": "Casey Caller", "phone": "+1 202 555 0143", "email": ""}
    data.update(overrides)
    return client.post("/intake/urgent/call-back/", data)


# --- The safety screen ----------------------------------------------------------------------


def test_a_flag_on_the_web_saves_an_anonymous_screen_with_no_personal_data(client):
    with time_machine.travel("2026-11-25 10:00:00Z", tick=False):
        response = client.post("/intake/", safety(calf_swelling_pain=True, numb_cold_foot=True))
    assert response.status_code == 200
    screen = SafetyScreen.objects.get()
    # Every column of the row: nothing that names, reaches or locates the patient.
    fields = {f.name for f in SafetyScreen._meta.concrete_fields}
    assert fields == {"id", "red_flags", "care_route", "rules_version", "created_at"}
    assert screen.red_flags == ["numb_cold_foot", "calf_swelling_pain"]
    assert screen.care_route == "emergency"
    assert screen.rules_version == triage.RULES_VERSION
    assert screen.created_at == datetime(2026, 11, 25, 10, tzinfo=UTC)
    assert Intake.objects.count() == 0


def test_the_urgent_page_leads_with_go_now_on_the_emergency_route(client):
    response = client.post("/intake/", safety(calf_swelling_pain=True, numb_cold_foot=True))
    html = response.content.decode()
    assert "<h1" in html and "Go now: do not wait for a call from us" in html
    assert html.index("Go now: do not wait") < html.index('action="/intake/urgent/call-back/"')
    # Each ticked sign as a statement, under its own route; the breathlessness line.
    assert EMERGENCY_TEXT in html
    assert SAME_DAY_TEXT in html
    assert "Your foot is cold, pale or blue, or numb" in html
    assert "The calf is swollen, warm or tender" in html
    assert "Is your foot cold" not in html  # statements, not the questions
    assert BREATHLESS in html


@pytest.mark.parametrize(
    ("flag", "text"),
    [
        ("cannot_bear_weight", SAME_DAY_TEXT),
        ("night_pain_weight_loss", WITHIN_48H_TEXT),
    ],
)
def test_each_route_gets_its_own_text_and_no_go_now(client, flag, text):
    html = client.post("/intake/", safety(**{flag: True})).content.decode()
    assert text in html
    assert "Go now: do not wait" not in html
    assert "Please seek medical care today" in html
    assert "Ask the clinic to call me" in html


def test_the_urgent_page_shows_the_clinic_hours_and_what_to_do_when_closed(client, settings):
    settings.CLINIC_HOURS = "Mon-Fri 08:00-18:00, Sat 09:00-12:00"
    html = client.post("/intake/", safety(cannot_bear_weight=True)).content.decode()
    assert "Monday to Friday, 8:00 am–6:00 pm" in html
    assert "Saturday, 9:00 am–12:00 pm" in html
    assert "When the clinic is closed, do not wait for it to open" in html


def test_clinic_hours_leave_out_what_does_not_parse():
    hours = clinic_hours("Mon-Fri 08:00-18:00; Sun 25:00-26:00, garbage, Fri-Mon 09:00-10:00")
    assert [h.label for h in hours] == ["Monday to Friday, 8:00 am–6:00 pm"]
    assert clinic_hours("") == []


def test_the_clinic_is_open_only_inside_its_hours(settings):
    settings.TIME_ZONE = "America/New_York"
    hours = clinic_hours("Mon-Fri 08:00-18:00")
    assert clinic_open_at(datetime(2026, 11, 25, 14, tzinfo=UTC), hours)  # Wed 09:00 local
    assert not clinic_open_at(datetime(2026, 11, 25, 12, tzinfo=UTC), hours)  # 07:00 local
    assert not clinic_open_at(datetime(2026, 11, 28, 15, tzinfo=UTC), hours)  # Saturday


# --- The call-back ------------------------------------------------------------------------


def test_a_call_back_saves_an_urgent_intake_referral_alert_and_texts_the_route(
    client, django_capture_on_commit_callbacks
):
    client.post("/intake/", safety(cannot_bear_weight=True))
    screen = SafetyScreen.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = call_back(client, phone="(202) 555-0143")
    assert response.status_code == 302
    intake = Intake.objects.get()
    assert (intake.source, intake.urgency, intake.safety_screen) == ("call_back", "urgent", screen)
    assert intake.patient.name == "Casey Caller"
    assert intake.patient.phone == "+12025550143"
    assert intake.answers == {"red_flags": ["cannot_bear_weight"]}
    assert intake.outcome.care_route == "same_day"
    assert Referral.objects.get(intake=intake).reason == "urgent"
    alert = StaffAlert.objects.get(intake=intake)
    assert alert.acknowledged_at is None and alert.escalations == 0
    # The patient has no follow-up consent and still hears the route at once, by SMS.
    route = Message.objects.get(purpose="urgent_route")
    assert (route.channel, route.recipient, route.status) == ("sms", "+12025550143", "sent")
    assert SAME_DAY_TEXT in route.body_text and BREATHLESS in route.body_text
    assert [m.to for m in mail.outbox] == [["triage@clinic.example"]]
    # The confirmation page.
    page = client.get(response["Location"]).content.decode()
    assert "Thank you: the clinic will call you" in page
    assert SAME_DAY_TEXT in page


def test_a_call_back_is_sent_even_at_night(client, django_capture_on_commit_callbacks):
    with time_machine.travel("2026-11-25 07:30:00Z", tick=False):  # 02:30 in New York
        client.post("/intake/", safety(numb_cold_foot=True))
        with django_capture_on_commit_callbacks(execute=True):
            call_back(client)
        route = Message.objects.get(purpose="urgent_route")
    assert route.status == "sent"
    assert route.unprompted is False
    assert EMERGENCY_TEXT in route.body_text


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"name": "", "phone": ""}, {"name", "phone"}),
        ({"phone": "12"}, {"phone"}),
        ({"phone": "not a number"}, {"phone"}),
        ({"email": "nope@"}, {"email"}),
        ({"name": "x" * 201, "email": "bad"}, {"name", "email"}),
    ],
)
def test_call_back_errors_are_shown_field_by_field_and_nothing_is_saved(client, data, errors):
    client.post("/intake/", safety(hot_swollen_knee=True))
    response = call_back(client, **data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "error-summary" in html
    form = response.context["call_back_form"]
    assert set(form.errors) == errors
    assert Intake.objects.count() == 0
    assert StaffAlert.objects.count() == 0
    assert Message.objects.count() == 0
    assert SafetyScreen.objects.count() == 1  # the screen stays recorded


def test_a_call_back_without_a_screen_in_the_session_saves_nothing(client):
    response = call_back(client)
    assert response.status_code == 302
    assert response["Location"] == "/intake/"
    assert Intake.objects.count() == 0


# --- Changed answers ----------------------------------------------------------------------


def test_an_intake_without_flags_after_a_flagged_screen_is_marked_changed(client):
    client.post("/intake/", safety(pop_rapid_swelling=True))
    screen = SafetyScreen.objects.get()
    client.post("/intake/", safety())
    response = client.post("/intake/", details())
    assert response.status_code == 302
    intake = Intake.objects.get()
    assert intake.safety_screen == screen
    assert intake.safety_answers_changed is True
    assert intake.urgency != "urgent"
    # Linked once: a second intake from the same browser is not.
    client.post("/intake/", details(name="Second Go"))
    assert Intake.objects.filter(safety_answers_changed=True).count() == 1


def test_an_intake_from_another_browser_is_not_marked_changed(client):
    from django.test import Client

    client.post("/intake/", safety(pop_rapid_swelling=True))
    other = Client()
    other.post("/intake/", safety())
    other.post("/intake/", details())
    intake = Intake.objects.get()
    assert intake.safety_screen is None
    assert intake.safety_answers_changed is False


# --- urgent_case_open -----------------------------------------------------------------------


def test_opening_an_urgent_case_twice_changes_nothing_more(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        intake = factories.make_intake(red_flags=["fever_unwell"])
        urgent_case_open(intake=intake, red_flags=["fever_unwell"], source="form")
    assert StaffAlert.objects.count() == 1
    assert Referral.objects.filter(reason="urgent").count() == 1
    assert Message.objects.filter(purpose="urgent_route").count() == 1
    assert Message.objects.filter(purpose="staff_urgent_alert").count() == 1


def test_an_urgent_form_intake_texts_the_route_without_consent(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        factories.make_intake(
            red_flags=["deformity_after_injury"],
            patient_overrides={"consent_follow_up": False, "channel": "sms"},
        )
    route = Message.objects.get(purpose="urgent_route")
    assert (route.channel, route.status) == ("sms", "sent")
    assert EMERGENCY_TEXT in route.body_text


# --- Follow-up `worse` ----------------------------------------------------------------------

SUBMITTED = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
NO_FLAGS = {key: "no" for key in triage.RED_FLAGS}


@pytest.fixture
def follow_up() -> FollowUp:
    with time_machine.travel(SUBMITTED, tick=False):
        intake = factories.make_intake(pain_now=5)
    with time_machine.travel(SUBMITTED + timedelta(days=7), tick=False):
        followups_send_due()
    mail.outbox.clear()
    return FollowUp.objects.get(intake=intake)


def _page(follow_up, answer="worse"):
    return follow_up_answer_url(follow_up, answer).removeprefix("http://testserver")


def test_worse_on_the_web_asks_the_warning_signs_first_and_records_nothing(client, follow_up):
    html = client.get(_page(follow_up)).content.decode()
    assert "First, the safety questions again" in html
    assert html.index('name="numb_cold_foot"') < html.index('name="pain_now"')
    # A post without them (say, from a page opened before) is asked them; nothing recorded.
    response = client.post(_page(follow_up), {"answer": "worse"})
    assert response.status_code == 200
    assert 'name="calf_swelling_pain"' in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.status == "sent"


def test_worse_with_some_signs_unanswered_is_refused_field_by_field(client, follow_up):
    data = {"answer": "worse", **NO_FLAGS}
    del data["calf_swelling_pain"]
    response = client.post(_page(follow_up), data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["calf_swelling_pain"]
    follow_up.refresh_from_db()
    assert follow_up.status == "sent"


def test_worse_with_a_flag_on_the_web_takes_the_urgent_route(
    client, follow_up, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _page(follow_up), {"answer": "worse", **NO_FLAGS, "calf_swelling_pain": "yes"}
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert SAME_DAY_TEXT in html and BREATHLESS in html
    assert "The calf is swollen, warm or tender" in html
    assert "/book/" not in html  # urgent: same-day care, not a booking
    follow_up.refresh_from_db()
    assert follow_up.red_flags == ["calf_swelling_pain"]
    intake = follow_up.intake
    assert intake.urgency == "urgent"
    assert intake.outcome.urgency != "urgent"  # the frozen outcome is never re-scored
    assert set(Referral.objects.values_list("reason", flat=True)) == {"urgent"}
    assert StaffAlert.objects.filter(intake=intake).exists()
    route = Message.objects.get(purpose="urgent_route")
    assert route.status == "sent" and SAME_DAY_TEXT in route.body_text
    assert not Message.objects.filter(purpose="follow_up_invite").exists()


def test_worse_without_a_flag_on_the_web_carries_on_as_before(
    client, follow_up, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_page(follow_up), {"answer": "worse", **NO_FLAGS})
    assert response.status_code == 200
    assert "/book/" in response.content.decode()
    assert Referral.objects.get().reason == "not_improving"
    assert StaffAlert.objects.count() == 0
    assert Message.objects.filter(purpose="follow_up_invite").exists()


def _api(client, **body):
    return client.post(
        "/api/v1/follow-ups/response/", data=json.dumps(body), content_type="application/json"
    )


def test_worse_with_a_flag_through_the_api_takes_the_urgent_route(
    client, follow_up, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _api(
            client,
            token=follow_up_token(follow_up),
            answer="worse",
            red_flags=["hot_swollen_fever", "fever_unwell"],
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["red_flags"] == ["hot_swollen_fever", "fever_unwell"]
    assert body["care_route"] == "emergency"
    assert body["care_route_text"] == EMERGENCY_TEXT
    assert body["links"] == {}
    assert Referral.objects.get().reason == "urgent"
    assert StaffAlert.objects.count() == 1
    assert Message.objects.get(purpose="urgent_route").status == "sent"


def test_worse_without_a_flag_through_the_api_carries_on_as_before(client, follow_up):
    response = _api(client, token=follow_up_token(follow_up), answer="worse", red_flags=[])
    assert response.status_code == 200
    body = response.json()
    assert (body["care_route"], body["not_improving"]) == (None, True)
    assert "book" in body["links"]
    assert Referral.objects.get().reason == "not_improving"
    assert StaffAlert.objects.count() == 0


@pytest.mark.parametrize("red_flags", ["calf_swelling_pain", ["not_a_sign"], [1], None, {"a": 1}])
def test_the_api_refuses_bad_red_flags_field_by_field(client, follow_up, red_flags):
    response = _api(client, token=follow_up_token(follow_up), answer="fine", red_flags=red_flags)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"answer", "red_flags"}
    follow_up.refresh_from_db()
    assert follow_up.status == "sent"
    assert StaffAlert.objects.count() == 0


def test_a_childs_route_text_goes_to_the_guardian(django_capture_on_commit_callbacks):
    guardian = {
        "name": "Pat Parent",
        "relationship": "mother",
        "email": "",
        "phone": "+1 202 555 0188",
        "completed_by_guardian": True,
    }
    with django_capture_on_commit_callbacks(execute=True):
        factories.make_intake(
            age=14,
            red_flags=["child_limp_hip_pain"],
            patient_overrides={"guardian": guardian, "channel": "sms", "phone": ""},
        )
    route = Message.objects.get(purpose="urgent_route")
    assert (route.channel, route.recipient, route.status) == ("sms", "+12025550188", "sent")
    assert SAME_DAY_TEXT in route.body_text

"""Who may open each staff URL: an outsider, front desk and a clinician against every one."""

import re

import pytest
from django.urls import reverse

from clinic.messaging.models import Message
from dashboard.models import Acknowledgement, Contact, Note, TriageOverride
from intake.models import Referral

pytestmark = pytest.mark.django_db

ANON, OUTSIDER, FRONT_DESK, CLINICIAN = "anonymous", "outsider", "front_desk", "clinician"


@pytest.fixture
def world(urgent_intake, routine_intake):
    """One of everything a staff URL can point at."""
    referral = Referral.objects.create(intake=routine_intake, reason="not_improving")
    message = Message.objects.get(about=f"intake:{urgent_intake.pk}", purpose="staff_urgent_alert")
    Message.objects.filter(pk=message.pk).update(status="failed", error="SMTPServerDisconnected")
    return {
        "urgent": urgent_intake.pk,
        "routine": routine_intake.pk,
        "referral": referral.pk,
        "message": message.pk,
    }


# (name, method, url pattern, POST data, expected status per role)
URLS = [
    ("queue", "get", "/staff/", {}, {OUTSIDER: 403, FRONT_DESK: 200, CLINICIAN: 200}),
    (
        "intake",
        "get",
        "/staff/intakes/{urgent}/",
        {},
        {OUTSIDER: 403, FRONT_DESK: 200, CLINICIAN: 200},
    ),
    (
        "advice_sheet",
        "get",
        "/staff/intakes/{routine}/advice.pdf",
        {},
        {OUTSIDER: 403, FRONT_DESK: 403, CLINICIAN: 200},
    ),
    ("messages", "get", "/staff/messages/", {}, {OUTSIDER: 403, FRONT_DESK: 200, CLINICIAN: 200}),
    (
        "book_on_behalf",
        "get",
        "/staff/intakes/{routine}/book/",
        {},
        {OUTSIDER: 403, FRONT_DESK: 200, CLINICIAN: 200},
    ),
    (
        "book_on_behalf_post",
        "post",
        "/staff/intakes/{routine}/book/",
        {"slot": "0"},
        {OUTSIDER: 403, FRONT_DESK: 400, CLINICIAN: 400},
    ),
    ("outcomes", "get", "/staff/outcomes/", {}, {OUTSIDER: 403, FRONT_DESK: 403, CLINICIAN: 200}),
    (
        "acknowledge",
        "post",
        "/staff/intakes/{urgent}/acknowledge/",
        {},
        {OUTSIDER: 403, FRONT_DESK: 403, CLINICIAN: 302},
    ),
    (
        "contacted",
        "post",
        "/staff/intakes/{routine}/contacted/",
        {"method": "phone"},
        {OUTSIDER: 403, FRONT_DESK: 302, CLINICIAN: 302},
    ),
    (
        "note",
        "post",
        "/staff/intakes/{routine}/notes/",
        {"text": "Called, will come in Monday."},
        {OUTSIDER: 403, FRONT_DESK: 403, CLINICIAN: 302},
    ),
    (
        "override",
        "post",
        "/staff/intakes/{routine}/override/",
        {"urgency": "assessment", "reason": "Swelling on examination."},
        {OUTSIDER: 403, FRONT_DESK: 403, CLINICIAN: 302},
    ),
    (
        "referral_close",
        "post",
        "/staff/referrals/{referral}/close/",
        {},
        {OUTSIDER: 403, FRONT_DESK: 403, CLINICIAN: 302},
    ),
    (
        "resend",
        "post",
        "/staff/messages/{message}/resend/",
        {},
        {OUTSIDER: 403, FRONT_DESK: 302, CLINICIAN: 302},
    ),
]


def _writes(world) -> tuple:
    """Everything a staff action could change, to prove a refused request changed nothing."""
    return (
        Acknowledgement.objects.count(),
        Contact.objects.count(),
        Note.objects.count(),
        TriageOverride.objects.count(),
        Referral.objects.get(pk=world["referral"]).status,
        Message.objects.get(pk=world["message"]).status,
    )


@pytest.mark.parametrize("role", [ANON, OUTSIDER, FRONT_DESK, CLINICIAN])
@pytest.mark.parametrize(
    ("name", "method", "url", "data", "expected"), URLS, ids=[u[0] for u in URLS]
)
def test_each_role_gets_what_it_may_at_every_staff_url(
    client, world, clinician, front_desk, outsider, role, name, method, url, data, expected
):
    users = {OUTSIDER: outsider, FRONT_DESK: front_desk, CLINICIAN: clinician}
    if role != ANON:
        client.force_login(users[role])
    before = _writes(world)
    response = getattr(client, method)(url.format(**world), data)
    if role == ANON:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("dashboard:login") + "?next=")
    else:
        assert response.status_code == expected[role]
    if role == ANON or response.status_code == 403:
        assert _writes(world) == before


@pytest.mark.parametrize(
    "url",
    [
        "/staff/intakes/{urgent}/acknowledge/",
        "/staff/intakes/{routine}/contacted/",
        "/staff/intakes/{routine}/notes/",
        "/staff/intakes/{routine}/override/",
        "/staff/referrals/{referral}/close/",
        "/staff/messages/{message}/resend/",
    ],
)
def test_a_get_never_reaches_an_action(clinician_client, world, url):
    before = _writes(world)
    response = clinician_client.get(url.format(**world))
    assert response.status_code == 405
    assert _writes(world) == before


@pytest.mark.parametrize("url", ["/staff/", "/staff/messages/", "/staff/outcomes/"])
def test_pages_refuse_a_post(clinician_client, url):
    assert clinician_client.post(url).status_code == 405


def test_actions_need_the_csrf_token(world, clinician):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(clinician)
    response = client.post(f"/staff/intakes/{world['urgent']}/acknowledge/")
    assert response.status_code == 403
    assert not Acknowledgement.objects.exists()


def test_an_inactive_staff_member_is_refused(client, clinician, world):
    client.force_login(clinician)
    clinician.is_active = False
    clinician.save()
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/?next=%2Fstaff%2F"


def test_the_groups_come_from_the_data_migration():
    from django.contrib.auth.models import Group

    front_desk = set(
        Group.objects.get(name="front_desk").permissions.values_list("codename", flat=True)
    )
    clinician = set(
        Group.objects.get(name="clinician").permissions.values_list("codename", flat=True)
    )
    assert "view_contact_details" in front_desk
    assert "view_message_log" in front_desk
    assert "manage_bookings" in front_desk
    assert "view_clinical" not in front_desk
    assert "override_triage" not in front_desk
    assert front_desk < clinician
    assert {"view_clinical", "override_triage", "acknowledge_alert"} <= clinician


def test_front_desk_sees_contact_details_but_not_answers_or_outcome(front_desk_client, world):
    page = front_desk_client.get(f"/staff/intakes/{world['routine']}/").content.decode()
    assert "rita@example.com" in page
    assert 'id="contact-details"' in page
    assert 'id="answers"' not in page
    assert 'id="outcome"' not in page
    assert 'id="notes"' not in page
    assert "Where exactly is the pain?" not in page


def test_a_clinician_sees_answers_and_outcome(clinician_client, world):
    page = clinician_client.get(f"/staff/intakes/{world['routine']}/").content.decode()
    assert 'id="answers"' in page
    assert 'id="outcome"' in page
    assert "Where exactly is the pain?" in page


def test_front_desk_has_no_pattern_column_or_filter(front_desk_client, world):
    page = front_desk_client.get("/staff/").content.decode()
    assert 'name="pattern"' not in page
    assert '<th scope="col">Pattern</th>' not in page
    assert front_desk_client.get("/staff/", {"pattern": "runners_knee"}).status_code == 200


def test_the_navigation_hides_outcomes_from_front_desk(front_desk_client, clinician, client):
    assert "/staff/outcomes/" not in front_desk_client.get("/staff/").content.decode()
    client.force_login(clinician)
    assert "/staff/outcomes/" in client.get("/staff/").content.decode()


@pytest.mark.parametrize(
    ("role", "expected"),
    [(ANON, 302), (OUTSIDER, 403), (FRONT_DESK, 200), (CLINICIAN, 200)],
)
def test_the_two_factor_page_is_for_staff_only(
    client, clinician, front_desk, outsider, role, expected
):
    users = {OUTSIDER: outsider, FRONT_DESK: front_desk, CLINICIAN: clinician}
    if role != ANON:
        client.force_login(users[role])
    response = client.get("/staff/two-factor/")
    assert response.status_code == expected
    if role == ANON:
        assert response["Location"].startswith("/staff/login/")


@pytest.mark.parametrize("role", [ANON, OUTSIDER, FRONT_DESK, CLINICIAN])
def test_the_sign_in_page_is_open_and_sign_out_is_post_only(
    client, clinician, front_desk, outsider, role
):
    users = {OUTSIDER: outsider, FRONT_DESK: front_desk, CLINICIAN: clinician}
    if role != ANON:
        client.force_login(users[role])
    assert client.get("/staff/login/").status_code == 200
    assert client.get("/staff/logout/").status_code == 405
    assert client.post("/staff/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("token", ["", "12ab56", "1" * 9])
def test_a_bad_two_factor_code_is_a_400_with_the_field_named(clinician_client, token):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.support.staff import enrolment_link

    clinician_client.get(enrolment_link(clinician_client))  # setup opens only via the link
    response = clinician_client.post("/staff/two-factor/", {"otp_token": token})
    assert response.status_code == 400
    assert "otp_token" in response.context["form"].errors
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


@pytest.mark.parametrize(
    "url",
    [
        "/staff/intakes/{routine}/advice.pdf",
        "/staff/outcomes/",
        "/admin/intake/intake/{routine}/change/",
        "/admin/intake/triageoutcome/",
        "/api/v1/intakes/{routine}/",
    ],
)
def test_front_desk_reaches_no_clinical_data_by_any_other_path(front_desk_client, world, url):
    response = front_desk_client.get(url.format(**world))
    assert response.status_code in (302, 403, 404)
    assert b"Where exactly is the pain?" not in response.content


def test_front_desk_pages_carry_no_patient_link(front_desk_client, world):
    """A patient's token would open their result page: front desk never gets one."""
    for url in ("/staff/", "/staff/intakes/{routine}/", "/staff/intakes/{urgent}/"):
        html = front_desk_client.get(url.format(**world)).content.decode()
        assert not re.search(r'href="[^"]*/(?:book|intake/r|f)/(?!appointment/)[^"/]+/', html)

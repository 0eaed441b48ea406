"""Project-wide promises: the schema validates, demo data is idempotent, admin pages work."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.support import factories

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert "/api/v1/intakes/" in (tmp_path / "s.yml").read_text()


def test_seed_demo_can_run_twice(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    assert get_user_model().objects.filter(username="staff").count() == 1
    assert "Staff login: staff /" in capsys.readouterr().out


def test_the_health_check_answers(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_the_home_page_leads_to_the_intake(client):
    assert client.get("/")["Location"] == "/intake/"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/intake/intake/",
        "/admin/intake/intake/{intake}/change/",
        "/admin/intake/patient/",
        "/admin/intake/followup/",
        "/admin/intake/referral/",
        "/admin/messaging/message/",
    ],
)
def test_admin_pages_show_what_came_in(admin_client, url):
    intake = factories.make_intake()
    factories.make_intake(red_flags=["cannot_straighten"])
    response = admin_client.get(url.format(intake=intake.pk))
    assert response.status_code == 200


def test_admin_keeps_the_answers_read_only(admin_client):
    intake = factories.make_intake()
    response = admin_client.get(f"/admin/intake/intake/{intake.pk}/change/")
    assert b'name="answers"' not in response.content


def test_an_unknown_api_url_answers_in_the_api_error_shape(client):
    response = client.post("/api/v1/appointments/null/cancel/", {}, content_type="application/json")
    assert response.status_code == 404
    assert response.json()["type"] == "not_found"


def test_an_unknown_page_answers_with_the_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_seed_demo_gives_a_clinician_and_a_front_desk_login_each_in_its_role(client):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    users = get_user_model().objects.filter(username__in=["clinician", "frontdesk"])
    roles = {u.username: sorted(g.name for g in u.groups.all()) for u in users}
    assert roles == {"clinician": ["clinician"], "frontdesk": ["front_desk"]}
    signed_in = client.post(
        "/staff/login/", {"username": "frontdesk", "password": "stride-demo-staff"}
    )
    assert signed_in.status_code == 302, signed_in.content
    assert client.get("/staff/").status_code == 200

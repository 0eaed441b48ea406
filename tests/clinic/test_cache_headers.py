"""No page or API answer that can hold patient data is kept by a browser or a shared cache
(issue 13, finding 15): `Cache-Control: no-store` on every dynamic answer, errors included."""

import pytest

from intake.links import booking_url, intake_token
from tests.support import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake(db):
    return factories.make_intake()


def _urls(intake) -> list[str]:
    token = intake_token(intake)
    return [
        "/intake/",
        f"/intake/r/{token}/",
        f"/intake/r/{token}x/",  # a refused link
        f"/api/v1/intakes/{token}/",
        "/api/v1/intakes/not-a-token/",
        "/api/v1/slots/",
        booking_url(intake),
        "/staff/",
        "/staff/login/",
        f"/staff/intakes/{intake.pk}/",
        "/staff/messages/",
        "/no-such-page/",
    ]


def test_every_page_and_api_answer_says_no_store(client, intake, django_user_model):
    from tests.dashboard.conftest import _user

    client.force_login(_user("dr.cache", "clinician"))
    for url in _urls(intake):
        response = client.get(url)
        assert "no-store" in response.get("Cache-Control", ""), (url, response.status_code)


def test_a_refused_body_and_a_bad_post_say_no_store(client):
    response = client.post("/api/v1/intakes/", "{", content_type="application/json")
    assert response.status_code == 400
    assert "no-store" in response["Cache-Control"]
    big = client.post("/api/v1/intakes/", "x" * 70_000, content_type="application/json")
    assert big.status_code == 413
    assert "no-store" in big["Cache-Control"]

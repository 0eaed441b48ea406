"""`seed_demo` adds a few weeks of history once, so /staff/quality/ is meaningful at once."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from referrals.models import AppointmentOutcome

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_history_once_and_the_quality_page_shows_it(client):
    call_command("seed_demo", stdout=io.StringIO())
    outcomes = AppointmentOutcome.objects.count()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "already there" in out.getvalue()
    assert AppointmentOutcome.objects.count() == outcomes > 10
    assert AppointmentOutcome.objects.filter(attendance="did_not_attend").exists()
    client.force_login(get_user_model().objects.get(username="clinician"))  # the demo's role
    response = client.get("/staff/quality/")
    assert response.status_code == 200
    figures = response.context["figures"]
    [version] = figures.by_version
    assert version.matrix.n > 10 and 0.5 < version.agreement < 1
    assert version.kappa is not None
    assert figures.over_triage and figures.under_triage
    assert figures.no_show_rate.numerator > 0
    assert figures.follow_up_answer_rate.denominator > 0

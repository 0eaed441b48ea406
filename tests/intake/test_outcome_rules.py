"""Rules 2026.12.1 reach the stored outcome, and old outcomes keep the words they were given."""

import json

import pytest

from dashboard.selectors.intake_page import outcome_plain
from intake import advice, triage
from intake.explain import outcome_explained
from intake.links import intake_token
from intake.selectors import result_context
from tests.support import factories

pytestmark = pytest.mark.django_db

# What a runner's-knee outcome under rules 2026.11.1 held: ids since retired or reworded.
OLD_ADVICE = ["ice_15", "foam_roll_daily", "soft_surfaces", "cadence_170_180", "monitor_pain"]


def test_it_stores_the_care_route_of_an_urgent_intake():
    intake = factories.make_intake(red_flags=["night_pain_weight_loss", "numb_cold_foot"])
    outcome = intake.outcome
    outcome.refresh_from_db()
    assert (outcome.urgency, outcome.care_route) == ("urgent", "emergency")
    assert outcome.assessment_reasons == []
    assert outcome.rules_version == "2026.12.1"


def test_it_stores_the_assessment_reasons_in_the_specs_order():
    intake = factories.make_intake(duration_days=30, pain_worst_week=9, symptoms=["giving_way"])
    outcome = intake.outcome
    outcome.refresh_from_db()
    assert outcome.urgency == "assessment"
    assert outcome.care_route == ""
    assert outcome.pattern == "runners_knee"
    assert outcome.assessment_reasons == [
        "locking_or_giving_way",
        "severe_pain",
        "lasted_over_a_week",
    ]
    assert outcome.advice == ["assessment_needed", "avoid_twisting", "book_assessment"]


def test_it_stores_no_route_and_no_reasons_for_self_care():
    outcome = factories.make_intake().outcome
    outcome.refresh_from_db()
    assert (outcome.urgency, outcome.care_route, outcome.assessment_reasons) == (
        "self_care",
        "",
        [],
    )


def test_the_api_refuses_a_child_under_12_with_the_kind_message(client):
    body = factories.body(age=11)
    response = client.post("/api/v1/intakes/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]["answers.age"] == [triage.UNDER_12_MESSAGE]


@pytest.fixture
def old_outcome():
    """A stored 2026.11.1 outcome, as the migration leaves it: never re-scored."""
    intake = factories.make_intake()
    outcome = intake.outcome
    outcome.rules_version = "2026.11.1"
    outcome.advice = OLD_ADVICE
    outcome.factors = ["cadence"]
    outcome.care_route = ""
    outcome.assessment_reasons = []
    outcome.save()
    intake.refresh_from_db()
    return intake


def _old_texts() -> list[str]:
    return [triage.ADVICE_BY_VERSION["2026.11.1"][a] for a in OLD_ADVICE]


def test_an_old_outcome_keeps_its_advice_in_the_api(old_outcome, client):
    data = client.get(f"/api/v1/intakes/{intake_token(old_outcome)}/").json()["triage"]
    assert [a["text"] for a in data["advice"]] == _old_texts()
    assert data["rules_version"] == "2026.11.1"
    assert data["care_route"] is None


def test_an_old_outcome_keeps_its_advice_and_factors_on_the_result_page(old_outcome):
    explained = result_context(old_outcome)["explained"]
    assert [a.text for a in explained.advice] == _old_texts()
    assert [f.text for f in explained.factors] == ["A step rate under 170 per minute"]


def test_an_old_outcome_keeps_its_advice_on_the_sheet(old_outcome):
    context = advice.advice_sheet_context(old_outcome.outcome)
    explained = context["explained"]
    assert [a.text for a in explained.advice] == _old_texts()
    assert all(a.heading for a in explained.advice)
    assert [f.text for f in explained.factors] == ["A step rate under 170 per minute"]
    # The outcome's own rules version, not the current one (it was printed as current).
    assert context["rules_version"] == "2026.11.1"


def test_an_old_outcome_keeps_its_advice_for_clinicians(old_outcome):
    plain = outcome_plain(old_outcome)
    assert [a.text for a in plain.advice] == _old_texts()
    assert [f.text for f in plain.factors] == ["A step rate under 170 per minute"]
    assert plain == outcome_explained(old_outcome.outcome, audience="staff")

"""Staff filters and pages take only sensible dates and numbers (issue 13, findings 13-14):
anything else is a field error on the page, never a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["submitted_from", "submitted_to"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01"])
def test_a_date_far_in_the_future_or_past_is_a_field_error(clinician_client, field, day):
    response = clinician_client.get("/staff/", {field: day, "status": "all"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors


def test_dates_in_a_sensible_range_filter_as_before(clinician_client):
    response = clinician_client.get(
        "/staff/", {"submitted_from": "2020-01-01", "submitted_to": "2030-12-31"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/staff/", "/staff/messages/"])
@pytest.mark.parametrize("page", ["99999999999999999999999", "-1", "0", "1e9", "9" * 400])
def test_an_absurd_page_number_never_errors(clinician_client, url, page):
    response = clinician_client.get(url, {"page": page})
    assert response.status_code in (200, 400)

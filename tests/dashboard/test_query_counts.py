"""Fast at any size: the queue and the intake page run the same queries at 10 and 1,000 intakes."""

import pytest
from django.db import connection

from dashboard.bulk import intakes_bulk_create
from dashboard.services import note_add, triage_override

pytestmark = pytest.mark.django_db

# Session, user, the user's and the group's permissions, then the page's own reads and its
# audit row. Written out so a new query is a deliberate change to this file.
# session, user, 2 × permissions, urgent, not improving, count, page, today's appointments,
# audit.
QUEUE_QUERIES = 10
# session, user, 2 × permissions, the intake with patient/outcome/follow-up/acknowledgement
# joined, 4 prefetches (referrals, notes, overrides, contacts), messages, appointments,
# earlier episodes sharing a verified contact (issue 15), audit.
INTAKE_QUERIES = 13
# session, user, 2 × permissions, urgent, not improving, audit: the list is not read.
QUEUE_REFRESH_QUERIES = 7
MESSAGES_QUERIES = 7  # session, user, 2 × permissions, count, page, audit
OUTCOMES_QUERIES = 8  # session, user, 2 × permissions, per pattern, bookings, weekly, audit


@pytest.fixture(params=[10, 1000], ids=["10-intakes", "1000-intakes"])
def data(request, clinician):
    intakes = intakes_bulk_create(request.param)
    for intake in intakes[:5]:
        note_add(intake_id=intake.pk, by=clinician, text="Seen.")
        triage_override(intake_id=intake.pk, by=clinician, urgency="assessment", reason="Review.")
    return intakes


def _warm(client, url):
    """The first request after sign-in stamps the session; count a steady-state request."""
    client.get(url)


def test_the_queue_runs_a_fixed_number_of_queries(
    clinician_client, data, django_assert_num_queries
):
    _warm(clinician_client, "/staff/")
    with django_assert_num_queries(QUEUE_QUERIES):
        response = clinician_client.get("/staff/")
    assert response.status_code == 200
    assert response.context["urgent"] and response.context["not_improving"]
    assert len(response.context["page"].object_list) > 0


def test_the_filtered_and_searched_queue_runs_a_fixed_number_of_queries(
    clinician_client, data, django_assert_num_queries
):
    params = {"status": "all", "urgency": "assessment", "q": "Bulk", "pattern": "runners_knee"}
    _warm(clinician_client, "/staff/")
    with django_assert_num_queries(QUEUE_QUERIES):
        response = clinician_client.get("/staff/", params)
    assert len(response.context["page"].object_list) > 0


def test_the_live_refresh_reads_only_the_top_blocks(
    clinician_client, data, django_assert_num_queries
):
    _warm(clinician_client, "/staff/")
    with django_assert_num_queries(QUEUE_REFRESH_QUERIES):
        response = clinician_client.get("/staff/", headers={"X-Stride-Refresh": "1"})
    assert response.status_code == 200
    assert response.context["urgent"] and response.context["not_improving"]


def test_the_intake_page_runs_a_fixed_number_of_queries(
    clinician_client, data, django_assert_num_queries
):
    intake = data[3]  # has a note, an override, a follow-up, a referral and a failed message
    url = f"/staff/intakes/{intake.pk}/"
    _warm(clinician_client, url)
    with django_assert_num_queries(INTAKE_QUERIES):
        response = clinician_client.get(url)
    assert response.status_code == 200
    assert response.context["notes"] and response.context["referrals"]
    assert response.context["message_list"]


def test_the_message_log_runs_a_fixed_number_of_queries(
    clinician_client, data, django_assert_num_queries
):
    _warm(clinician_client, "/staff/messages/")
    with django_assert_num_queries(MESSAGES_QUERIES):
        clinician_client.get("/staff/messages/")


def test_the_outcomes_page_runs_a_fixed_number_of_queries(
    clinician_client, data, django_assert_num_queries
):
    _warm(clinician_client, "/staff/outcomes/")
    with django_assert_num_queries(OUTCOMES_QUERIES):
        clinician_client.get("/staff/outcomes/")


@pytest.mark.postgres
@pytest.mark.parametrize("data", [1000], ids=["1000-intakes"], indirect=True)
def test_the_default_queue_reads_the_queue_index_not_the_whole_table(clinician, data):
    """The list walks intake_queue_idx in order and stops at the page: no sort of every row.

    At 1,000 intakes only: with a handful of rows PostgreSQL rightly prefers a sort.
    """
    from dashboard.selectors.queue import intake_queue

    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN output is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE intake_intake")
        sql, params = intake_queue().query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql} LIMIT 25", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "intake_queue_idx" in plan, plan


@pytest.mark.postgres
@pytest.mark.parametrize("search", ["Patient 99", "example.com", "555 0199"])
def test_a_name_email_or_phone_search_can_use_the_trigram_indexes(search):
    """The search's own expressions match the trigram indexes (migration 0003)."""
    from dashboard.selectors.queue import _search_q
    from intake.models import Patient

    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm is PostgreSQL's")
    condition = _search_q(search, patient="")  # the same conditions, on the patient table
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # an empty table: force the choice
        sql, params = Patient.objects.filter(condition).query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "patient_name_trgm_idx" in plan and "patient_email_trgm_idx" in plan, plan
    if "phone__contains" in str(condition):  # digits typed as a phone number
        assert "patient_phone_trgm_idx" in plan, plan

"""Reading FHIR: by id, search with paging links, patient and _lastUpdated, $everything, and
strict refusals of what is not supported."""

from datetime import UTC, datetime

import pytest
import time_machine

from intake.models import Intake
from tests.support import factories
from tests.support.fhir import entries, fhir_json, get, token

pytestmark = pytest.mark.django_db


@pytest.fixture
def access(client):
    return token(client)


def _intakes(n: int, day: int = 1, **patient) -> list[Intake]:
    made = []
    for i in range(n):
        with time_machine.travel(datetime(2026, 11, day, 10, i, tzinfo=UTC), tick=False):
            made.append(
                factories.make_intake(
                    patient_overrides={"email": f"p{day}-{i}@example.com", **patient}
                )
            )
    return made


def test_it_reads_a_resource_by_its_stable_id(client, access):
    intake = _intakes(1)[0]
    data = fhir_json(get(client, f"/QuestionnaireResponse/intake-{intake.pk}", access))
    assert data["id"] == f"intake-{intake.pk}"
    assert data["subject"]["reference"] == f"Patient/patient-{intake.patient_id}"


@pytest.mark.parametrize(
    "path",
    ["/Patient/patient-999999", "/Patient/intake-1", "/Observation/intake-1-pulse", "/Foo/1"],
)
def test_an_unknown_resource_is_404_with_an_operation_outcome(client, access, path):
    response = get(client, path, access)
    assert response.status_code == 404
    assert fhir_json(response)["issue"][0]["code"] in ("not-found",)


def test_search_pages_with_next_and_previous_links_that_reach_every_resource(client, access):
    made = _intakes(5)
    first = fhir_json(get(client, "/QuestionnaireResponse?_count=2", access))
    assert first["type"] == "searchset" and first["total"] == 5
    seen, page, pages = [], first, 0
    while True:
        pages += 1
        seen += [r["id"] for r in entries(page)]
        links = {link["relation"]: link["url"] for link in page["link"]}
        if pages > 1:
            assert "previous" in links
        if "next" not in links:
            break
        page = fhir_json(get(client, links["next"], access))
    assert pages == 3
    assert seen == [f"intake-{i.pk}" for i in made]


def test_observation_pages_across_its_sources_without_gaps(client, access):
    _intakes(3)  # each: pain now and worst week in the past week
    ids = []
    for offset in range(0, 6, 4):
        page = fhir_json(get(client, f"/Observation?_count=4&_offset={offset}", access))
        assert page["total"] == 6
        ids += [r["id"] for r in entries(page)]
    assert len(ids) == len(set(ids)) == 6
    assert sum(i.endswith("-pain-worst-week") for i in ids) == 3


def test_search_by_patient_returns_only_that_patients_resources(client, access):
    mine = _intakes(1, email="me@example.com")[0]
    _intakes(2, day=2)
    for type_ in ("Patient", "QuestionnaireResponse", "Observation", "RiskAssessment"):
        bundle = fhir_json(
            get(client, f"/{type_}?patient=Patient/patient-{mine.patient_id}", access)
        )
        assert bundle["total"] >= 1
        for resource in entries(bundle):
            ref = resource.get("subject", {}).get("reference") or f"Patient/{resource['id']}"
            assert ref == f"Patient/patient-{mine.patient_id}"


def test_last_updated_ge_and_le_bound_the_results(client, access):
    _intakes(2, day=1)
    later = _intakes(2, day=3)
    bundle = fhir_json(get(client, "/QuestionnaireResponse?_lastUpdated=ge2026-11-02", access))
    assert [r["id"] for r in entries(bundle)] == [f"intake-{i.pk}" for i in later]
    bundle = fhir_json(get(client, "/QuestionnaireResponse?_lastUpdated=le2026-11-01", access))
    assert bundle["total"] == 2
    bundle = fhir_json(
        get(
            client,
            "/QuestionnaireResponse?_lastUpdated=ge2026-11-03T10:01:00Z&_lastUpdated=le2026-11-03",
            access,
        )
    )
    assert [r["id"] for r in entries(bundle)] == [f"intake-{later[1].pk}"]


@pytest.mark.parametrize(
    "query",
    [
        "name=Alex",
        "_count=abc",
        "_count=5000",
        "_lastUpdated=2026-11-01",
        "_lastUpdated=ge2026-11-01T10:00:00",
        "patient=Alex",
        "_format=xml",
    ],
)
def test_a_bad_or_unsupported_search_parameter_is_400(client, access, query):
    response = get(client, f"/Patient?{query}", access)
    assert response.status_code == 400
    assert fhir_json(response)["resourceType"] == "OperationOutcome"


def test_types_without_a_patient_refuse_the_patient_parameter(client, access):
    assert get(client, "/Slot?patient=patient-1", access).status_code == 400


def test_count_zero_gives_the_total_only(client, access):
    _intakes(2)
    bundle = fhir_json(get(client, "/QuestionnaireResponse?_count=0", access))
    assert bundle["total"] == 2 and "entry" not in bundle


def test_everything_returns_the_patients_compartment_and_nothing_else(client, access):
    mine, other = _intakes(1)[0], _intakes(1, day=2)[0]
    bundle = fhir_json(get(client, f"/Patient/patient-{mine.patient_id}/$everything", access))
    found = {(r["resourceType"], r["id"]) for r in entries(bundle)}
    assert ("Patient", f"patient-{mine.patient_id}") in found
    assert ("QuestionnaireResponse", f"intake-{mine.pk}") in found
    assert ("Observation", f"intake-{mine.pk}-pain") in found
    assert ("RiskAssessment", f"triage-{mine.outcome.pk}") in found
    assert not any(
        str(other.pk) in rid and t != "Patient" for t, rid in found if rid.startswith("intake")
    )
    assert ("Patient", f"patient-{other.patient_id}") not in found


def test_everything_for_an_unknown_patient_is_404(client, access):
    assert get(client, "/Patient/patient-424242/$everything", access).status_code == 404


def test_everything_leaves_out_types_the_client_may_not_read(client):
    mine = _intakes(1)[0]
    access = token(client, scopes="system/Patient.read system/Observation.read")
    bundle = fhir_json(get(client, f"/Patient/patient-{mine.patient_id}/$everything", access))
    assert {r["resourceType"] for r in entries(bundle)} == {"Patient", "Observation"}

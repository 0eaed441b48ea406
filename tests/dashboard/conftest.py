"""The standing cast for dashboard tests: a clinician, a front-desk user and an outsider."""

import pytest
from django.contrib.auth import get_user_model

from dashboard.services import staff_groups_sync
from tests.support.factories import make_intake
from tests.support.staff import PASSWORD


def _user(username: str, group: str | None = None):
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@clinic.example", password=PASSWORD
    )
    if group:
        groups = staff_groups_sync()
        user.groups.add(groups[group])
    return user


@pytest.fixture
def clinician(db):
    return _user("dr.quinn", "clinician")


@pytest.fixture
def front_desk(db):
    return _user("frank.desk", "front_desk")


@pytest.fixture
def outsider(db):
    """Signed in, but on neither staff group: must be refused everywhere."""
    return _user("olive.outsider")


@pytest.fixture
def clinician_client(client, clinician):
    client.force_login(clinician)
    return client


@pytest.fixture
def front_desk_client(client, front_desk):
    client.force_login(front_desk)
    return client


@pytest.fixture
def urgent_intake(db):
    return make_intake(red_flags=["calf_swelling_pain"], patient_overrides={"name": "Uma Urgent"})


@pytest.fixture
def routine_intake(db):
    return make_intake(patient_overrides={"name": "Rita Routine", "email": "rita@example.com"})

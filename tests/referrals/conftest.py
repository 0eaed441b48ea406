"""The booking cast: a clinic in New York, a clinician with weekday mornings, a patient in
London whose intake needs an assessment, and a clock fixed on a Tuesday morning."""

from datetime import timedelta

import pytest
import time_machine

from referrals.models import Clinician
from tests.support import factories
from tests.support.booking import NOW, make_clinician, verify_contact


@pytest.fixture(autouse=True)
def _booking_settings(settings):
    settings.TIME_ZONE = "America/New_York"
    settings.SLOT_LENGTH_MINUTES = 30
    settings.BOOKING_MIN_NOTICE = timedelta(hours=2)
    settings.BOOKING_HORIZON_DAYS = 28


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def clinician(db, clock) -> Clinician:
    return make_clinician()


@pytest.fixture
def intake(db, clock):
    """Pain for ten days: `assessment`, so booking is the first thing offered. Its contact is
    confirmed (tests of the check itself make their own intakes)."""
    made = factories.make_intake(duration_days=10)
    verify_contact(made)
    return made


@pytest.fixture
def outsider(db, clock):
    """Another patient, with their own intake and token (contact confirmed)."""
    made = factories.make_intake(
        duration_days=10, patient_overrides={"name": "Olive Other", "email": "olive@example.com"}
    )
    verify_contact(made)
    return made

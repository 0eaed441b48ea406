"""Exactly one booking per slot, decided by the database: 30 simultaneous requests on
PostgreSQL, the exclusion constraint on a clinician's time, and a migration that still runs
on SQLite for `make run`."""

import json
import os
import sqlite3
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from intake.links import intake_token
from referrals.models import Appointment, Slot
from tests.support import factories
from tests.support.booking import book, make_clinician, open_slots, verify_contact

ROOT = Path(__file__).resolve().parents[2]
ATTEMPTS = 30


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_thirty_simultaneous_bookings_of_one_slot_make_exactly_one_appointment():
    make_clinician()
    slot = open_slots()[0]
    intakes = [factories.make_intake(duration_days=10) for _ in range(ATTEMPTS)]
    for intake in intakes:
        verify_contact(intake)
    tokens = [intake_token(intake) for intake in intakes]
    start = threading.Barrier(ATTEMPTS)
    statuses: list[int] = []
    bodies: list[dict] = []
    lock = threading.Lock()

    def attempt(token: str) -> None:
        client = Client()  # each thread has its own client and its own DB connection
        try:
            start.wait(timeout=30)
            response = client.post(
                "/api/v1/appointments/",
                json.dumps({"slot": slot.pk, "token": token}),
                content_type="application/json",
            )
            with lock:
                statuses.append(response.status_code)
                bodies.append(response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [201] + [409] * (ATTEMPTS - 1), statuses
    assert {b["type"] for b in bodies if "type" in b} == {"slot_taken"}
    assert all(len(b["alternatives"]) == 3 for b in bodies if "type" in b)
    assert Appointment.objects.filter(slot=slot).count() == 1
    assert Appointment.objects.count() == 1


@pytest.mark.postgres
def test_one_clinician_is_never_in_two_overlapping_appointments(
    client, clinician, intake, outsider
):
    """Two different slots that overlap in time (say, extra hours laid over the usual ones):
    the exclusion constraint over [starts_at, ends_at) refuses the second booking."""
    slot = open_slots()[0]
    overlapping = Slot.objects.create(
        clinician=clinician,
        starts_at=slot.starts_at + timedelta(minutes=15),
        ends_at=slot.ends_at + timedelta(minutes=15),
    )
    assert book(client, slot=slot, intake=intake).status_code == 201
    response = book(client, slot=overlapping, intake=outsider)
    assert (response.status_code, response.json()["type"]) == (409, "slot_taken")
    assert Appointment.objects.count() == 1


@pytest.mark.postgres
def test_back_to_back_appointments_do_not_overlap(client, clinician, intake, outsider):
    """`[)` ranges: one ending at 11:30 and the next starting at 11:30 are both fine."""
    first, second = open_slots()[:2]
    assert first.ends_at == second.starts_at
    assert book(client, slot=first, intake=intake).status_code == 201
    assert book(client, slot=second, intake=outsider).status_code == 201


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_exclusion_constraint_and_btree_gist_are_installed():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'btree_gist'")
        assert cursor.fetchone() == (1,)
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conname = 'appointment_clinician_no_overlap'"
        )
        definition = cursor.fetchone()[0]
    assert "EXCLUDE USING gist" in definition
    assert "tstzrange(starts_at, ends_at, '[)'::text) WITH &&" in definition


def test_the_project_still_migrates_on_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(STRIDE_VAR_DIR=str(tmp_path), CELERY_BROKER_URL="")
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    with sqlite3.connect(tmp_path / "stride.sqlite3") as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert {"referrals_slot", "referrals_appointment", "appointment_one_per_slot"} <= tables

"""FHIR bulk $export of 10,000 intakes, against 1,000: time and peak memory (flat in rows).

For each size, a fresh database gets that many intakes (patient, answers, triage outcome,
so Patient, QuestionnaireResponse, two Observations and a RiskAssessment each), then one
system-level export of every type runs in a fresh Python process, as the Celery task would
(`fhir_api.services.export_run`). That process reports the export's wall time and its peak
resident memory (VmHWM, reset once Django and the FHIR models are loaded) above what it
held at that point. The NDJSON
files are written a line at a time from `.iterator(chunk_size=...)`, so the goal is memory
flat in the number of intakes: the growth at 10x the rows stays under 1.5x (plus 10 MB of
allocator noise).
"""

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from bench import harness

MEASURE = r"""
import json, re, sys, time
import django

def kb(field):
    # VmHWM is this process's own peak (getrusage's ru_maxrss keeps the parent's across exec).
    status = open("/proc/self/status").read()
    return int(re.search(field + r":\s+(\d+)", status).group(1))

django.setup()
from fhir_api.mappings import SOURCES, Filters
from fhir_api.services import export_run
from fhir_api.models import ExportJob
# Warm up: load every mapping and model class the export will use, one resource each.
for sources in SOURCES.values():
    for source in sources:
        next(iter(source.iterate(Filters(), chunk_size=1)), None)
base = kb("VmRSS")
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")  # reset VmHWM to the current RSS: the peak from here on is the export's
job = ExportJob.objects.get()
started = time.perf_counter()
export_run(job_id=job.pk)
elapsed = time.perf_counter() - started
peak = kb("VmHWM")
job.refresh_from_db()
sys.stdout.write("@@" + json.dumps({
    "elapsed_s": elapsed, "base_kb": base, "peak_kb": peak, "status": job.status,
    "lines": {o["type"]: o["count"] for o in job.output},
}))
"""


def intakes_make(count: int) -> None:
    """`count` intakes with their patient and triage outcome (bulk)."""
    from intake.models import Intake, Patient, TriageOutcome
    from intake.triage import evaluate
    from tests.support import factories

    answers = factories.answers()
    result = evaluate(answers)
    submitted = datetime.now(tz=UTC) - timedelta(days=1)
    patients = Patient.objects.bulk_create(
        [
            Patient(name=f"Runner {n}", email=f"runner{n}@example.com", created_at=submitted)
            for n in range(count)
        ],
        batch_size=1000,
    )
    intakes = Intake.objects.bulk_create(
        [
            Intake(
                patient=p,
                answers=answers,
                **Intake.answer_columns(answers),
                urgency=result.urgency,
                pattern=result.pattern,
                submitted_at=submitted,
            )
            for p in patients
        ],
        batch_size=1000,
    )
    # The row's fields as intake_submit stores them (JSON lists; a blank route, not None).
    outcome = {
        key: list(value) if isinstance(value, tuple) else value
        for key, value in vars(result).items()
    }
    outcome["care_route"] = result.care_route or ""
    TriageOutcome.objects.bulk_create(
        [TriageOutcome(intake=i, created_at=submitted, **outcome) for i in intakes],
        batch_size=1000,
    )


def export_job_make() -> None:
    from oauth2_provider.models import Application

    from fhir_api.mappings import RESOURCE_TYPES
    from fhir_api.models import ExportJob, FhirClient

    application = Application.objects.create(
        name="bench",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    )
    client = FhirClient.objects.create(application=application, scopes="system/*.read")
    ExportJob.objects.create(client=client, request_url="bench", types=list(RESOURCE_TYPES))


def measure(count: int, env: dict[str, str]) -> dict:
    import django
    from django.db import connection

    harness.reset_database()
    django.setup()
    intakes_make(count)
    export_job_make()
    connection.close()
    proc = subprocess.run(
        [sys.executable, "-c", MEASURE],
        cwd=harness.ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if "@@" not in proc.stdout:
        raise RuntimeError(proc.stderr[-3000:])
    result = json.loads(proc.stdout.rsplit("@@", 1)[1])
    result["growth_mb"] = round((result["peak_kb"] - result["base_kb"]) / 1024, 1)
    result["peak_mb"] = round(result["peak_kb"] / 1024, 1)
    result["elapsed_s"] = round(result["elapsed_s"], 2)
    return result


def run(quick: bool = False, sizes: tuple[int, int] | None = None) -> dict:
    import os

    small, large = sizes or ((100, 1_000) if quick else (1_000, 10_000))
    env = harness.bench_env(DJANGO_SETTINGS_MODULE="clinic.settings")
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    first = measure(small, env)
    second = measure(large, env)
    done = first["status"] == second["status"] == "complete"
    flat = second["growth_mb"] <= 1.5 * first["growth_mb"] + 10
    return {
        "name": "fhir_export",
        "figures": [
            {
                "figure": f"$export of {large:,} intakes, every type: wall time",
                "value": second["elapsed_s"],
                "unit": "s",
                "goal": "reported",
                "met": done,
                "detail": f"{sum(second['lines'].values()):,} NDJSON lines; "
                f"{small:,} intakes took {first['elapsed_s']} s",
            },
            {
                "figure": f"$export peak memory growth, {small:,} vs {large:,} intakes",
                "value": f"{first['growth_mb']} MB vs {second['growth_mb']} MB",
                "goal": "flat: growth at 10x the rows < 1.5x + 10 MB",
                "met": done and flat,
                "detail": f"peak RSS {first['peak_mb']} MB vs {second['peak_mb']} MB",
            },
        ],
        "raw": {"small": {"intakes": small, **first}, "large": {"intakes": large, **second}},
    }


if __name__ == "__main__":
    # One figure alone, e.g. `python -m bench.fhir_export_bench 100 1000`.
    args = [int(a) for a in sys.argv[1:3]]
    print(json.dumps(run(sizes=(args[0], args[1]) if args else None), indent=2))

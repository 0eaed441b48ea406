"""Advice sheets: our render against bare WeasyPrint, a stored fetch against a cold render,
and memory growth over many renders (issue 5, point 5).

Needs no server, PostgreSQL or Redis: it runs Django on a throw-away SQLite file and
storage folder, and drives the download view in-process with Django's test Client.
Run through `make bench` (bench/run.py), or alone: `python -m bench.advice_bench [--quick]`.
"""

import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MEMORY_RENDERS = int(os.environ.get("BENCH_ADVICE_RENDERS", "500"))
QUICK_MEMORY_RENDERS = 50

# One intake per kind of sheet; the timing runs use the first (the commonest: runner's knee).
KINDS: dict[str, dict[str, Any]] = {
    "runners_knee": {"recent_increase": True, "cadence_spm": 160},
    "patellar_tendinitis": {"pain_locations": ["below_kneecap"]},
    "it_band_syndrome": {
        "pain_locations": ["outside"],
        "run_onset": "after_few_minutes",
        "eases_when_stopping": True,
    },
    "meniscus_tear": {"symptoms": ["locking"], "injury_event": "twist_or_pivot"},
    "osteoarthritis": {
        "pain_locations": ["inside"],
        "pain_triggers": ["walking", "sitting_long", "stairs"],
        "symptoms": ["swelling"],
        "age": 60,
    },
    "unclear": {"pain_locations": ["back"], "pain_triggers": []},
    "urgent": {"red_flags": ["calf_swelling_pain"]},
}


def _django(var_dir: str) -> None:
    """Point Django at a private SQLite file and media folder, then set it up."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="clinic.settings",
        STRIDE_VAR_DIR=var_dir,
        DATABASE_URL=f"sqlite:///{var_dir}/bench.sqlite3",
        MEDIA_ROOT=f"{var_dir}/media",
        DEBUG="false",  # DEBUG keeps every SQL query in memory: it would skew the RSS figure
        LOG_LEVEL="WARNING",
    )
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ENV"):
        os.environ.pop(name, None)
    for folder in ("celery/queue", "celery/processed", "media"):
        Path(var_dir, folder).mkdir(parents=True, exist_ok=True)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _prepare() -> list[int]:
    """Migrate the private database and submit one intake per kind; their outcome ids."""
    from django.core.management import call_command

    from intake.services import intake_submit
    from tests.support import factories

    call_command("migrate", verbosity=0)
    ids = []
    for answers in KINDS.values():
        intake = intake_submit(patient=factories.patient(), answers=factories.answers(**answers))
        ids.append(intake.outcome.pk)
    return ids


def _prepare_spanish() -> int:
    """The first kind's intake again, from a Spanish-speaking patient; its outcome id."""
    from intake.services import intake_submit
    from tests.support import factories

    answers = factories.answers(**next(iter(KINDS.values())))
    intake = intake_submit(patient=factories.patient(language="es"), answers=answers)
    return intake.outcome.pk


def _english_vs_spanish(english_id: int, spanish_id: int, rounds: int) -> dict:
    """The same sheet rendered for an English and a Spanish patient, interleaved (ABBA):
    the Spanish catalogues' lookups and the longer words are all that differ."""
    from intake import advice

    def english() -> None:
        advice.advice_sheet_pdf(_outcome(english_id))

    def spanish() -> None:
        advice.advice_sheet_pdf(_outcome(spanish_id))

    for _ in range(2):  # warm-up: fonts, templates, both catalogues
        english()
        spanish()
    samples: dict[str, list[float]] = {"english_s": [], "spanish_s": []}
    for i in range(rounds):
        order = [("english_s", english), ("spanish_s", spanish)]
        for key, fn in order if i % 2 == 0 else reversed(order):
            samples[key].append(_timed(fn))
    return samples


def _language_figure(languages: dict, rounds: int) -> dict:
    english = statistics.median(languages["english_s"])
    spanish = statistics.median(languages["spanish_s"])
    ratio = spanish / english
    return {
        "figure": "Spanish sheet ÷ English sheet",
        "value": ratio,
        "unit": "×",
        "goal": "≤ 1.10",
        "met": ratio <= 1.10,
        "detail": f"median of {rounds} interleaved pairs, the same runner's knee sheet: "
        f"English {english * 1000:.0f} ms, Spanish {spanish * 1000:.0f} ms",
    }


def run_languages(quick: bool = False) -> dict:
    """Only the Spanish-against-English figure (`python bench/advice_bench.py --languages`)."""
    rounds = 6 if quick else 30
    with tempfile.TemporaryDirectory(prefix="stride-bench-") as var_dir:
        _django(var_dir)
        english_id = _prepare()[0]
        languages = _english_vs_spanish(english_id, _prepare_spanish(), rounds)
    return {
        "name": "advice sheets (languages)",
        "figures": [_language_figure(languages, rounds)],
        "raw": {"languages": languages},
    }


def _outcome(outcome_id: int):
    from intake.models import TriageOutcome

    return TriageOutcome.objects.select_related("intake__patient", "intake__follow_up").get(
        pk=outcome_id
    )


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _render_vs_bare(outcome_id: int, rounds: int) -> dict:
    """Full render (DB read, context, QR, template, safe fetcher, WeasyPrint) against a bare
    `HTML(string=...).write_pdf()` of the very same HTML with WeasyPrint's defaults.

    The two alternate (ABBA) so drift (CPU boost, cache warmth) falls on both alike.
    """
    from weasyprint import HTML

    from intake import advice

    html = advice.advice_sheet_html(_outcome(outcome_id))
    base_url = advice.static_base_url()

    def full() -> None:
        advice.advice_sheet_pdf(_outcome(outcome_id))

    def bare() -> None:
        HTML(string=html, base_url=base_url).write_pdf(pdf_variant=advice.PDF_VARIANT)

    def bare_shared_fonts() -> None:
        # Bare WeasyPrint given the same reused font configuration as ours: what remains
        # between this and `full` is our own work alone (DB read, context, QR, template).
        advice.html_to_pdf(html, url_fetcher=None)

    for _ in range(2):  # warm-up: fonts, CSS parser, templates
        full()
        bare()
        bare_shared_fonts()
    ours: list[float] = []
    theirs: list[float] = []
    shared: list[float] = []
    for i in range(rounds):
        order = [(ours, full), (theirs, bare), (shared, bare_shared_fonts)]
        for samples, fn in order if i % 2 == 0 else reversed(order):
            samples.append(_timed(fn))
    return {"ours_s": ours, "bare_s": theirs, "bare_shared_fonts_s": shared}


def _cached_vs_cold(outcome_id: int, rounds: int) -> dict:
    """GET /intake/r/<token>/advice.pdf through the whole Django stack, file absent (cold:
    render + store) and present (cached), alternating; plus the same at the service level."""
    from django.core.files.storage import default_storage
    from django.test import Client

    from intake import advice
    from intake.links import intake_token

    outcome = _outcome(outcome_id)
    key = advice.advice_sheet_key(outcome)
    url = f"/intake/r/{intake_token(outcome.intake)}/advice.pdf"
    client = Client()

    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    cold, cached, cold_service, cached_service = [], [], [], []
    get()
    for _ in range(rounds):
        default_storage.delete(key)
        cold.append(_timed(get))
        cached.append(statistics.median(_timed(get) for _ in range(5)))
        default_storage.delete(key)
        cold_service.append(_timed(lambda: advice.advice_sheet_get(outcome=_outcome(outcome_id))))
        cached_service.append(
            statistics.median(
                _timed(lambda: advice.advice_sheet_get(outcome=_outcome(outcome_id)))
                for _ in range(5)
            )
        )
    return {
        "http_cold_s": cold,
        "http_cached_s": cached,
        "service_cold_s": cold_service,
        "service_cached_s": cached_service,
        "pdf_bytes": len(default_storage.open(key).read()),
    }


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def _memory(var_dir: str, ids: list[int], renders: int) -> dict:
    """Renders in a fresh process (so the timing runs above leave nothing behind)."""
    proc = subprocess.run(
        [sys.executable, "-m", "bench.advice_bench", "--memory", str(renders), var_dir]
        + [str(i) for i in ids],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _memory_child(renders: int, var_dir: str, ids: list[int]) -> dict:
    _django(var_dir)
    from intake import advice

    def render(i: int) -> None:
        advice.advice_sheet_pdf(_outcome(ids[i % len(ids)]))

    for i in range(10):  # warm-up: fonts loaded, caches filled
        render(i)
    gc.collect()
    before = _rss_mb()
    samples = []
    started = time.perf_counter()
    for i in range(renders):
        render(i)
        if (i + 1) % max(1, renders // 10) == 0:
            samples.append(round(_rss_mb(), 1))
    elapsed = time.perf_counter() - started
    gc.collect()
    after = _rss_mb()
    return {
        "renders": renders,
        "rss_before_mb": round(before, 1),
        "rss_after_mb": round(after, 1),
        "rss_samples_mb": samples,
        "seconds": round(elapsed, 1),
    }


def _harfbuzz_subset() -> bool:
    import ctypes.util

    return ctypes.util.find_library("harfbuzz-subset") is not None


# Long on purpose: one benchmark scenario (set up, measure, report), read top to bottom.
def run(quick: bool = False) -> dict:
    rounds = 6 if quick else 30
    renders = QUICK_MEMORY_RENDERS if quick else MEMORY_RENDERS
    with tempfile.TemporaryDirectory(prefix="stride-bench-") as var_dir:
        _django(var_dir)
        ids = _prepare()
        timing = _render_vs_bare(ids[0], rounds)
        languages = _english_vs_spanish(ids[0], _prepare_spanish(), rounds)
        fetch = _cached_vs_cold(ids[0], max(3, rounds // 3))
        memory = _memory(var_dir, ids, renders)

    import weasyprint

    ours, bare = statistics.median(timing["ours_s"]), statistics.median(timing["bare_s"])
    ratio = ours / bare
    shared = statistics.median(timing["bare_shared_fonts_s"])
    cold, cached = (
        statistics.median(fetch["http_cold_s"]),
        statistics.median(fetch["http_cached_s"]),
    )
    speedup = cold / cached
    s_cold = statistics.median(fetch["service_cold_s"])
    s_cached = statistics.median(fetch["service_cached_s"])
    growth = memory["rss_after_mb"] - memory["rss_before_mb"]
    return {
        "name": "advice sheets",
        "figures": [
            {
                "figure": "render ÷ bare WeasyPrint",
                "value": ratio,
                "unit": "×",
                "goal": "≤ 1.25",
                "met": ratio <= 1.25,
                "detail": f"median of {rounds} interleaved pairs: ours {ours * 1000:.0f} ms, "
                f"bare HTML(string=…).write_pdf() {bare * 1000:.0f} ms; bare with our reused "
                f"font configuration {shared * 1000:.0f} ms (ours ÷ that = {ours / shared:.2f}×)",
            },
            _language_figure(languages, rounds),
            {
                "figure": "cached fetch vs cold render (HTTP)",
                "value": speedup,
                "unit": "× faster",
                "goal": "≥ 50",
                "met": speedup >= 50,
                "detail": f"GET advice.pdf through Django: cold (render + store) "
                f"{cold * 1000:.0f} ms, stored {cached * 1000:.2f} ms; service level "
                f"{s_cold * 1000:.0f} ms vs {s_cached * 1000:.2f} ms "
                f"({s_cold / s_cached:,.0f}×); sheet {fetch['pdf_bytes'] // 1024} KB",
            },
            {
                "figure": f"RSS growth over {memory['renders']} renders",
                "value": growth,
                "unit": "MB",
                "goal": "< 50",
                "met": growth < 50,
                "detail": f"fresh process, after 10 warm-up renders: {memory['rss_before_mb']} "
                f"→ {memory['rss_after_mb']} MB (samples {memory['rss_samples_mb']}); "
                f"{memory['seconds']} s, {memory['seconds'] / memory['renders'] * 1000:.0f} ms "
                "per render",
            },
        ],
        "raw": {
            "timing": timing,
            "languages": languages,
            "fetch": fetch,
            "memory": memory,
            "weasyprint": weasyprint.__version__,
            "harfbuzz_subset": _harfbuzz_subset(),
        },
    }


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--memory":
        count, directory, *outcome_ids = sys.argv[2:]
        print(json.dumps(_memory_child(int(count), directory, [int(i) for i in outcome_ids])))
    elif "--languages" in sys.argv:
        print(json.dumps(run_languages(quick="--quick" in sys.argv), indent=2))
    else:
        print(json.dumps(run(quick="--quick" in sys.argv), indent=2))

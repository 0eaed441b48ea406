"""Benchmark: render the staff queue (and an intake page) with 100 and with 10,000 intakes.

`run(quick)` returns the figures in bench/run.py's shape; `make bench` runs it on the benchmark
PostgreSQL (bench/harness.py). Standalone: `.venv/bin/python bench/dashboard_bench.py`.

It builds two throwaway databases (PostgreSQL `test_<name>_bench100` and `…_bench10000`), one
per size, and alternates between them in short bursts, so a neighbour's load on a shared
machine falls on both sizes alike instead of skewing the ratio. Without PostgreSQL it measures
the two sizes one after the other in in-memory SQLite. Real data is never touched.

Goal (docs/dashboard.md): the 10,000-intake queue at most 1.5× slower than the 100-intake one,
because every page runs a fixed number of indexed queries and renders a bounded number of rows.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SMALL, LARGE = 100, 10_000
BURSTS, PER_BURST = 12, 5  # 60 timed renders per page and size
GOAL_RATIO = 1.5


def _django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench import harness

    os.environ.update(harness.bench_env())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


class _Site:
    """One database filled with `size` intakes, and a signed-in clinician's browser for it."""

    def __init__(self, size: int) -> None:
        from django.db import connection

        self.size = size
        self.name = connection.settings_dict["NAME"]
        self.client: Any = None
        self.sample = ""
        self.timings: dict[str, list[float]] = {}

    def fill(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client

        from dashboard.bulk import intakes_bulk_create
        from dashboard.quality_services import quality_summary_drain
        from dashboard.services import staff_groups_sync

        groups = staff_groups_sync()
        user = get_user_model().objects.create_user("bench.clinician", password="unused-pw")
        user.groups.add(groups["clinician"])
        intakes = intakes_bulk_create(self.size)
        # The steady state: the beat's drain has recounted the new intakes' quality summary
        # (each page view still drains first; here it finds nothing to do).
        quality_summary_drain()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give
        self.sample = f"/staff/intakes/{intakes[3].pk}/"
        self.client = Client()
        self.client.force_login(user)

    def urls(self) -> dict[str, str]:
        pages = {
            "queue": "/staff/",
            "queue_filtered_search": "/staff/?status=all&urgency=assessment&q=Patient+99",
            "intake_page": self.sample,
            # Issue 15: the triage quality page over its default 90 days (every bulk intake).
            "quality": "/staff/quality/",
        }
        # STRIDE_BENCH_PAGES=quality measures only the named pages (comma-separated).
        only = [name for name in os.environ.get("STRIDE_BENCH_PAGES", "").split(",") if name]
        return {name: url for name, url in pages.items() if not only or name in only}

    def burst(self, rounds: int) -> None:
        for label, url in self.urls().items():
            self.client.get(url)  # warm: connection, session stamp, caches
            for _ in range(rounds):
                start = time.perf_counter()
                response = self.client.get(url)
                elapsed = (time.perf_counter() - start) * 1000
                assert response.status_code == 200, (url, response.status_code)
                self.timings.setdefault(label, []).append(elapsed)


def _use(site: _Site) -> None:
    from django.db import connection

    if connection.settings_dict["NAME"] != site.name:
        connection.close()
        connection.settings_dict["NAME"] = site.name


# Long on purpose: one benchmark scenario (set up, measure, report), read top to bottom.
def run(quick: bool = False) -> dict:
    global BURSTS
    if quick:
        BURSTS = 4
    _django()
    from django.db import connection
    from django.test.utils import override_settings

    # No setup_test_environment(): its template instrumentation would be measured too.
    quiet = override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"])
    quiet.enable()
    postgres = connection.vendor == "postgresql"
    base = connection.settings_dict["NAME"]
    test_settings = connection.settings_dict.setdefault("TEST", {})
    sites: list[_Site] = []
    old_name = base
    try:
        for size in (SMALL, LARGE) if postgres else (SMALL,):
            if postgres:
                test_settings["NAME"] = f"test_{base}_bench{size}"
            old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
            site = _Site(size)
            site.fill()
            sites.append(site)
        if postgres:
            for _ in range(BURSTS):
                for site in sites:
                    _use(site)
                    site.burst(PER_BURST)
        else:  # one in-memory database: measure 100, then grow it to 10,000 and measure again
            from dashboard.bulk import intakes_bulk_create

            sites[0].burst(BURSTS * PER_BURST)
            large = _Site(LARGE)
            large.client, large.sample = sites[0].client, sites[0].sample
            intakes_bulk_create(LARGE - SMALL)
            large.burst(BURSTS * PER_BURST)
            sites.append(large)
    finally:
        for site in sites[: 2 if postgres else 1]:
            _use(site)
            connection.creation.destroy_test_db(old_name, verbosity=0)
        connection.settings_dict["NAME"] = base
        quiet.disable()
    raw = _figures(connection.vendor, *sites)
    goals = {"queue": "staff queue", "quality": "triage quality page"}
    figures = [
        {
            "figure": f"{title}, {LARGE:,} intakes / {SMALL} intakes (median render)",
            "value": raw[f"{label}_ratio"],
            "goal": f"<= {GOAL_RATIO}",
            "met": raw[f"{label}_ratio"] <= GOAL_RATIO,
            "detail": f"{raw[f'{label}_median_ms_100']} ms vs {raw[f'{label}_median_ms_10000']} ms",
        }
        for label, title in goals.items()
        if label in sites[0].timings
    ]
    figures += [
        {
            "figure": f"{label}, {LARGE:,} / {SMALL} intakes",
            "value": raw[f"{label}_ratio"],
            "goal": "reported",
            "met": None,
        }
        for label in sorted(sites[0].timings)
        if label not in goals
    ]
    return {"name": "dashboard", "figures": figures, "raw": raw}


def _figures(vendor: str, small: _Site, large: _Site) -> dict:
    figures: dict[str, Any] = {"database": vendor, "renders_per_page": BURSTS * PER_BURST}
    for label in small.timings:
        for site in (small, large):
            figures[f"{label}_median_ms_{site.size}"] = round(
                statistics.median(site.timings[label]), 2
            )
            figures[f"{label}_best_ms_{site.size}"] = round(min(site.timings[label]), 2)
        figures[f"{label}_ratio"] = round(
            statistics.median(large.timings[label]) / statistics.median(small.timings[label]), 2
        )
    figures["queue_goal_ratio"] = GOAL_RATIO
    if "queue_ratio" in figures:
        figures["queue_goal_met"] = figures["queue_ratio"] <= GOAL_RATIO
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))

"""Intake throughput and p99 under 32 clients, against a bare one-INSERT DRF view.

Both endpoints are served by the same gunicorn in the same run, with the same client
threads and the same JSON body, in alternating rounds (bare, ours, bare, ours, …): the
ratio is the median of the rounds' ratios, so a drift in the machine's speed falls on both.
Goal: our POST /api/v1/intakes/ reaches at least half the bare view's throughput.
Each round also measures the floor under it (`bench.views.FloorIntakeApi`: the throttle
and the four ORM INSERTs, nothing else), reported beside it.
"""

import os
import statistics

import psycopg

from bench import harness

BODY = {
    "patient": {
        "name": "Bench Runner",
        "email": "bench@example.com",
        "channel": "email",
        "timezone": "Europe/London",
        "consent_follow_up": True,
    },
    "answers": {
        "knee": "left",
        "pain_locations": ["under_kneecap"],
        "pain_triggers": ["running", "stairs"],
        "pain_now": 3,
        "duration_days": 5,
        "age": 34,
        "weekly_km": 30,
        "recent_increase": True,
        "cadence_spm": 165,
        "red_flags": [],
    },
}


# Long on purpose: one benchmark scenario (set up, measure, report), read top to bottom.
def run(quick: bool = False) -> dict:
    rounds, seconds = (2, 2.0) if quick else (5, 5.0)
    clients = 32
    harness.reset_database()
    dsn = harness.BENCH_DB.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_insert (id bigserial PRIMARY KEY, payload jsonb)")
    body = harness.json_body(BODY)
    with harness.gunicorn(workers=3) as port:
        # Warm both paths (imports, connections) before measuring.
        for path in ("/api/bench/insert/", "/api/bench/floor/", "/api/v1/intakes/"):
            harness.load(
                port=port, method="POST", path=path, body=lambda n: body, clients=4, seconds=1
            )
        triples = [
            (
                _measured(port, "/api/bench/insert/", body, clients, seconds),
                _measured(port, "/api/v1/intakes/", body, clients, seconds),
                _measured(port, "/api/bench/floor/", body, clients, seconds),
            )
            for _ in range(rounds)
        ]
    pairs = [(bare, ours) for bare, ours, _ in triples]
    ratios = [o.throughput / b.throughput for (b, _), (o, _) in pairs if b.throughput]
    ratio = statistics.median(ratios) if ratios else 0.0
    floor_ratios = [f.throughput / b.throughput for (b, _), _, (f, _) in triples if b.throughput]
    floor_ratio = statistics.median(floor_ratios) if floor_ratios else 0.0
    floor = _merged([f for _, _, (f, _) in triples])
    floor_cpu = _mean_cpu([c for _, _, (_, c) in triples])
    bare, ours = _merged([b for (b, _), _ in pairs]), _merged([o for _, (o, _) in pairs])
    bare_cpu = _mean_cpu([c for (_, c), _ in pairs])
    ours_cpu = _mean_cpu([c for _, (_, c) in pairs])
    detail = (
        f"median of {rounds} alternating rounds of {seconds:.0f} s (round ratios "
        f"{', '.join(f'{r:.2f}' for r in ratios)}); {ours.throughput:.0f} vs "
        f"{bare.throughput:.0f} req/s; CPU per request (ms), ours vs bare: "
        + ", ".join(f"{k} {ours_cpu[k]} vs {bare_cpu[k]}" for k in ours_cpu)
    )
    return {
        "name": "intake",
        "figures": [
            {
                "figure": "intake throughput / bare one-INSERT view",
                "value": round(ratio, 3),
                "goal": ">= 0.5",
                "met": ratio >= 0.5 and ours.errors == 0,
                "detail": detail,
            },
            {
                # What the issue keeps (the throttle, four ORM INSERTs in one transaction)
                # and nothing else: the real endpoint cannot be faster than this.
                "figure": "floor (throttle + the four ORM INSERTs) / bare one-INSERT view",
                "value": round(floor_ratio, 3),
                "goal": "reported",
                "met": floor.errors == 0,
                "detail": (
                    f"same rounds (ratios {', '.join(f'{r:.2f}' for r in floor_ratios)}); "
                    f"{floor.throughput:.0f} req/s; CPU per request (ms): "
                    + ", ".join(f"{k} {v}" for k, v in floor_cpu.items())
                ),
            },
            {
                "figure": f"intake p99 under {clients} clients (ms)",
                "value": ours.summary()["p99_ms"],
                "goal": "reported",
                "met": ours.errors == 0,
            },
        ],
        "raw": {
            "bare_insert": bare.summary(),
            "intake": ours.summary(),
            "floor": floor.summary(),
            "cpu_ms_per_request": {"bare_insert": bare_cpu, "intake": ours_cpu, "floor": floor_cpu},
            "clients": clients,
            "rounds": rounds,
            "seconds_per_round": seconds,
            "round_ratios": [round(r, 3) for r in ratios],
            "floor_round_ratios": [round(r, 3) for r in floor_ratios],
        },
    }


def _measured(
    port: int, path: str, body: bytes, clients: int, seconds: float
) -> tuple[harness.LoadResult, dict[str, float]]:
    """One load phase, and the CPU each side spent per request: where the time goes."""
    sides = {"gunicorn": "gunicorn", "postgres": "postgres:", "redis": "redis-server"}
    before = {name: harness.cpu_seconds(pattern) for name, pattern in sides.items()}
    client_before = sum(os.times()[:2])
    result = harness.load(
        port=port, method="POST", path=path, body=lambda n: body, clients=clients, seconds=seconds
    )
    spent = {name: harness.cpu_seconds(pattern) - before[name] for name, pattern in sides.items()}
    spent["client"] = sum(os.times()[:2]) - client_before
    per_request = {k: round(v / max(result.requests, 1) * 1000, 2) for k, v in spent.items()}
    return result, per_request


def _merged(results: list[harness.LoadResult]) -> harness.LoadResult:
    merged = harness.LoadResult()
    for result in results:
        merged.requests += result.requests
        merged.errors += result.errors
        merged.seconds += result.seconds
        merged.latencies += result.latencies
        for status, count in result.statuses.items():
            merged.statuses[status] = merged.statuses.get(status, 0) + count
    return merged


def _mean_cpu(samples: list[dict[str, float]]) -> dict[str, float]:
    return {k: round(statistics.fmean(s[k] for s in samples), 2) for k in samples[0]}

"""`make bench` finds every benchmark module and writes its figures readably."""

from bench import run


def test_it_discovers_every_bench_module():
    assert {"advice_bench", "booking_bench", "intake_bench"} <= set(run.discover())
    assert run.discover("advice") == ["advice_bench"]
    assert run.discover("nothing-like-this") == []


def test_it_writes_the_figures_goals_and_machine_in_markdown():
    report = {
        "started": "2026-11-25 22:00 UTC",
        "quick": True,
        "machine": run.machine(),
        "benchmarks": [
            {
                "name": "example",
                "seconds": 1.0,
                "figures": [
                    {"figure": "ratio", "value": 1.5, "unit": "×", "goal": "≤ 1.25", "met": False},
                    {"figure": "bookings", "value": "5 booked", "goal": "5 booked", "met": True},
                ],
                "raw": {},
            },
            {"name": "broken", "error": "Traceback: boom", "figures": [], "raw": {}},
        ],
    }
    text = run.to_markdown(report)
    assert "| ratio | 1.50 × | ≤ 1.25 | **no** |" in text
    assert "| bookings | 5 booked | 5 booked | yes |" in text
    assert "Traceback: boom" in text
    assert "quick mode" in text
    assert f"{report['machine']['cpus']} CPUs" in text

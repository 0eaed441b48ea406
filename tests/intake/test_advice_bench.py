"""`make bench` finds every benchmark module and writes its figures readably."""

from bench import run


def test_it_discovers_every_bench_module():
    assert "advice_bench" in run.discover()
    assert run.discover("advice") == ["advice_bench"]
    assert run.discover("nothing-like-this") == []


def test_it_writes_the_figures_goals_and_machine_in_markdown():
    report = {
        "started": "2026-11-25 22:00 UTC",
        "quick": True,
        "machine": run.machine(),
        "benchmarks": [
            {
                "title": "Example",
                "seconds": 1.0,
                "metrics": [
                    {"name": "ratio", "value": 1.5, "unit": "×", "goal": "≤ 1.25", "met": False}
                ],
                "raw": {},
            },
            {"title": "Broken", "error": "Traceback: boom", "metrics": [], "raw": {}},
        ],
    }
    text = run.to_markdown(report)
    assert "| ratio | 1.50 × | ≤ 1.25 | **no** |" in text
    assert "Traceback: boom" in text
    assert "quick mode" in text
    assert f"{report['machine']['cpus']} CPUs" in text

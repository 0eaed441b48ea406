"""`make bench`: run every `bench/*_bench.py` and write bench/results.md and results.json.

Each benchmark module exposes `run(quick: bool = False) -> dict` returning
    {"name": str,
     "figures": [{"figure": str, "value": number or text, "goal": text, "met": bool,
                  optional "unit": text, "detail": text}],
     "raw": {...the samples and anything else worth keeping...}}
and runs in its own Python process, so one benchmark's settings, caches and memory never
colour another's. Ratios are measured side by side inside each benchmark (interleaved
runs in one process), never against numbers from another run or another machine.

Usage: python bench/run.py [--quick] [--only advice] [--strict]
  --quick   fewer repetitions (also BENCH_QUICK=1): a smoke run, not a measurement
  --strict  exit 1 if any goal is missed
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent


def discover(only: str | None = None) -> list[str]:
    names = sorted(p.stem for p in BENCH_DIR.glob("*_bench.py"))
    return [n for n in names if only is None or n.removesuffix("_bench") == only or n == only]


def run_module(name: str, quick: bool) -> dict:
    """Import bench.<name> in a fresh interpreter, call run(), and read its JSON back."""
    code = (
        "import json, sys; import importlib; "
        f"m = importlib.import_module('bench.{name}'); "
        f"r = m.run(quick={quick!r}); "
        "sys.stdout.write('\\n@@RESULT@@' + json.dumps(r))"
    )
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if proc.returncode != 0 or "@@RESULT@@" not in proc.stdout:
        return {
            "name": name.removesuffix("_bench"),
            "error": (proc.stderr or proc.stdout)[-4000:],
            "figures": [],
            "raw": {},
            "seconds": elapsed,
        }
    result = json.loads(proc.stdout.rsplit("@@RESULT@@", 1)[1])
    result["seconds"] = round(elapsed, 1)
    return result


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) // 1024} MB"
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
    }


def _value(figure: dict) -> str:
    value = figure["value"]
    text = f"{value:,.2f}" if isinstance(value, float) else str(value)
    return f"{text} {figure.get('unit', '')}".strip()


def to_markdown(report: dict) -> str:
    m = report["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Run {report['started']} ({'quick' if report['quick'] else 'full'} mode) on "
        f"{m['cpu']} × {m['cpus']} CPUs, {m['memory']} RAM, {m['os']}, Python {m['python']}.",
        "Written by `make bench` (bench/run.py); raw numbers in bench/results.json.",
        "",
    ]
    for result in report["benchmarks"]:
        lines += [f"## {result['name']}", ""]
        if result.get("error"):
            lines += ["Failed:", "", "```", result["error"], "```", ""]
            continue
        lines += ["| figure | value | goal | met |", "|---|---|---|---|"]
        for figure in result["figures"]:
            met = {True: "yes", False: "**no**"}.get(figure.get("met"), "–")
            lines.append(
                f"| {figure['figure']} | {_value(figure)} | {figure.get('goal', '')} | {met} |"
            )
        lines.append("")
        for figure in result["figures"]:
            if figure.get("detail"):
                lines.append(f"- {figure['figure']}: {figure['detail']}")
        lines += ["", f"Took {result['seconds']} s.", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", default=os.environ.get("BENCH_QUICK") == "1"
    )
    parser.add_argument("--only")
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()
    report = {
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "quick": args.quick,
        "machine": machine(),
        "benchmarks": [],
    }
    for name in discover(args.only):
        print(f"bench: {name} …", flush=True)
        result = run_module(name, args.quick)
        report["benchmarks"].append(result)
        for figure in result["figures"]:
            print(
                f"  {figure['figure']}: {_value(figure)} "
                f"(goal {figure.get('goal', '–')}, met: {figure.get('met')})",
                flush=True,
            )
        if result.get("error"):
            print(result["error"], file=sys.stderr)
    (BENCH_DIR / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    (BENCH_DIR / "results.md").write_text(to_markdown(report))
    print(f"bench: wrote {BENCH_DIR / 'results.md'} and results.json")
    failed = any(r.get("error") for r in report["benchmarks"]) or any(
        f.get("met") is False for r in report["benchmarks"] for f in r["figures"]
    )
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())

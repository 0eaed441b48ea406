"""Stride's benchmarks: each `bench/*_bench.py` exposes `run(quick=False) -> dict`."""

"""Smoke tests of benchmarks/anomaly_bench.py and benchmarks/anomaly_eval.py on tiny inputs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from .handmade import daily_tickets, write_warehouse

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _load(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_varied_plans_are_deterministic_generator_overrides():
    bench = _load("anomaly_eval")
    plan = bench.varied_plan(6)
    assert plan == bench.varied_plan(6) and plan != bench.varied_plan(7)
    assert len(plan) == 12 and all(o.startswith("generator.planted.") for o in plan)


def test_pooled_scores_and_markdown():
    bench = _load("anomaly_eval")
    runs = [
        {"scores": {"kb_gap": {"planted": 1, "detected": 1, "matched": 1}}},
        {"scores": {"kb_gap": {"planted": 1, "detected": 2, "matched": 1}}},
    ]
    table = bench.pooled(runs)
    assert table["kb_gap"] == {"planted": 2, "detected": 3, "matched": 2,
                               "precision": 2 / 3, "recall": 1.0}  # fmt: skip
    assert "| kb_gap | 2 | 3 | 2 | 0.67 | 1.00 |" in bench.markdown(table)


def test_volume_benchmark_runs_on_a_tiny_warehouse(tmp_path):
    warehouse = write_warehouse(tmp_path / "wh", daily_tickets([20] * 40, queue="Billing"))
    times = _load("anomaly_bench").bench_volume(warehouse.root, repeat=1)
    assert len(times) == 1 and times[0] > 0

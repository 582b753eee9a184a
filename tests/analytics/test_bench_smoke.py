"""A tiny run of benchmarks/analytics_bench.py: the pipeline, pandas and hand-written SQL all
run and agree on every headline number (2,000 generated tickets)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
pytestmark = pytest.mark.slow


def test_benchmark_smoke_run_agrees_across_implementations(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import analytics_bench

    args = [
        "--tickets",
        "2000",
        "--seed",
        "3",
        "--cache-dir",
        str(tmp_path),
        "--no-warmup",
        "--rounds",
        "1",
    ]
    assert analytics_bench.main(args) == 0
    report = json.loads((tmp_path / "analytics_bench.json").read_text())
    results = report["results"]
    assert results["pandas"]["disagrees_on"] == []
    assert results["hand_sql"]["disagrees_on"] == []
    assert report["tickets_in_window"] > 0
    for run in ("pipeline", "pandas", "hand_sql"):
        assert results[run]["wall_seconds"] > 0 and results[run]["rss_gb"] > 0
    assert set(report["verdicts"]) >= {"speedup_vs_pandas_cpu", "ratio_vs_sql_shared", "rss_gb"}
    sys.modules.pop("analytics_bench", None)

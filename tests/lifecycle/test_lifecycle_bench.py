"""Smoke test of benchmarks/lifecycle_bench.py, drift-only and tiny (real numbers:
docs/lifecycle.md)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from tickets.cli import conf_dir

BENCH = conf_dir().parent / "benchmarks" / "lifecycle_bench.py"


def test_bench_reports_quiet_then_flagged_drift(tmp_path: Path, capsys, fake_embedder):
    spec = importlib.util.spec_from_file_location("lifecycle_bench", BENCH)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    args = ["--tickets", "300", "--drift-only", "--embedder", "hash", "--output-dir", str(tmp_path)]
    assert bench.main(args) == 0
    report = json.loads((tmp_path / "lifecycle_bench.json").read_text())
    unchanged, shifted = report["steps"]
    assert unchanged["drift_flagged"] == []
    assert {"category", "text_embedding"} <= set(shifted["drift_flagged"])
    assert "| drift, shifted | 0 |" in capsys.readouterr().out

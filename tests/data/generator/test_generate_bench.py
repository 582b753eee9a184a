"""Smoke test of benchmarks/generate_bench.py on a tiny run (real numbers: docs/benchmarks.md)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from tickets.cli import conf_dir

BENCH = conf_dir().parent / "benchmarks" / "generate_bench.py"


def test_bench_measures_both_runs_and_cleans_up(tmp_path: Path, capsys):
    spec = importlib.util.spec_from_file_location("generate_bench", BENCH)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    code = bench.main(
        ["--tickets", "2000", "--text-tickets", "1000", "--output-dir", str(tmp_path)]
    )
    assert code == 0
    report = json.loads((tmp_path / "generate_bench.json").read_text())
    no_text, text = report["runs"]
    assert (no_text["tickets"], no_text["text"], text["tickets"], text["text"]) == (
        2000,
        False,
        1000,
        True,
    )
    assert no_text["peak_rss_mb"] > 0 and text["tickets_per_s"] > 0
    assert not (tmp_path / "no_text").exists()
    assert "| --no-text | 2,000 |" in capsys.readouterr().out

"""Smoke test of benchmarks/categorize_bench.py on 300 real tickets with tiny models."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_benchmark_writes_a_table_for_every_model(datasets_dir: Path, tmp_path: Path) -> None:
    command = [
        sys.executable, str(ROOT / "benchmarks" / "categorize_bench.py"),
        "--datasets", "topics", "--limit", "300", "--batch-rows", "100", "--singles", "3",
        "--out", str(tmp_path), f"paths.datasets={datasets_dir}",
        "model.params.lightgbm.n_estimators=10", "model.params.neural.epochs=3",
        "model.embeddings.cache_dir=null",
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=600)
    result = json.loads(next(tmp_path.glob("categorize-topics*.json")).read_text())
    # topics runs model=vote: linear, neural and NB-SVM, then their equal-weight vote
    assert [row["model"] for row in result["table"]] == ["linear", "neural", "nbsvm", "ensemble"]
    assert result["weights"] == pytest.approx({"linear": 1 / 3, "neural": 1 / 3, "nbsvm": 1 / 3})
    assert result["n_test"] == 60
    assert set(result["speed"]) == {"ensemble"}  # lightgbm is not trained by this preset

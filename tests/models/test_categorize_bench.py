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


@pytest.mark.slow
def test_cross_validation_scores_every_model_of_each_variant(
    datasets_dir: Path, tmp_path: Path
) -> None:
    command = [
        sys.executable, str(ROOT / "benchmarks" / "categorize_cv.py"),
        "--dataset", "topics", "--limit", "300", "--folds", "3", "--out", str(tmp_path),
        "--variant", "vote model.params.neural.epochs=3",
        "--variant", "linear-c1 model=linear model.params.linear.C=1.0",
        f"paths.datasets={datasets_dir}", "model.embeddings.cache_dir=null",
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=600)
    result = json.loads((tmp_path / "categorize-cv-topics.json").read_text())
    vote, linear = result["vote"]["rows"], result["linear-c1"]["rows"]
    assert [row["model"] for row in vote] == ["linear", "neural", "nbsvm", "ensemble"]
    assert [row["model"] for row in linear] == ["linear"]  # the variant's model preset wins
    # every training ticket (240 of the 300; 60 are held out) is scored exactly once
    assert {row["n"] for row in vote + linear} == {240}
    assert linear[0]["accuracy"] > 0.5  # 8 topics: far above the largest class's share
    assert result["linear-c1"]["overrides"] == ["model=linear", "model.params.linear.C=1.0"]


@pytest.mark.slow
def test_encoder_probe_fine_tunes_and_times_the_encoder(datasets_dir: Path) -> None:
    command = [
        sys.executable, str(ROOT / "benchmarks" / "encoder_finetune_probe.py"),
        "--dataset", "topics", "--limit", "200", "--epochs", "1",
        f"paths.datasets={datasets_dir}", "model=linear",
    ]  # fmt: skip
    out = subprocess.run(command, check=True, capture_output=True, text=True, timeout=600).stdout
    assert "preset ensemble: accuracy" in out
    assert "epoch 1" in out and "preset + encoder at weight 0.5: accuracy" in out
    rates = [
        float(line.split(": ")[1].split()[0]) for line in out.splitlines() if "inference" in line
    ]
    assert len(rates) == 2 and min(rates) > 0  # float32 and int8 both timed

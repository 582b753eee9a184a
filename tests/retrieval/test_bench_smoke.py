"""Smoke test of benchmarks/retrieval_bench.py on the hand-made warehouse (fake embedder)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tickets.retrieval.embedder import CachedEmbedder
from tickets.retrieval.settings import RetrievalSettings

from .fakes import HashingEmbedder

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "retrieval_bench.py"


def _load_bench():
    spec = importlib.util.spec_from_file_location("retrieval_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def test_benchmark_runs_every_step_and_reports_the_targets_inputs(warehouse_dir, tmp_path):
    bench = _load_bench()

    def make(cache):
        return HashingEmbedder() if cache is None else CachedEmbedder(HashingEmbedder(), cache)

    result = bench.run(warehouse_dir, tmp_path / "work", RetrievalSettings(), make,
                       add=2, queries=4)  # fmt: skip
    assert result["solved_tickets"] == 8
    assert result["build"]["tickets"] == 8 and result["build"]["minilm_texts_embedded"] > 0
    assert result["add"] == {**result["add"], "added": 2, "mode": "update"}
    assert result["recommend"]["queries"] == 4
    assert result["recommend"]["p95_ms"] >= result["recommend"]["p50_ms"] > 0


def test_throughput_step_reports_texts_per_cpu_second(warehouse_dir):
    from tickets.data.warehouse import Warehouse
    from tickets.retrieval.corpus import load_corpus

    corpus = load_corpus(Warehouse.at(warehouse_dir))
    result = _load_bench().bench_throughput(corpus, HashingEmbedder, count=8)
    assert set(result) == {"title_body_per_cpu_second", "title_per_cpu_second"}
    assert min(result.values()) > 0

"""Retrieval benchmarks: index build, incremental add, warm recommend latency.

    python main.py generate --tickets 100000 --seed 11 --output-dir /tmp/gen100k \
        generator.bronze=false
    python benchmarks/retrieval_bench.py --warehouse /tmp/gen100k --work /tmp/retrieval_bench

Steps, each timed on this machine with the configured encoder (``--encoder``: ``static``, the
default, distilled from all-MiniLM-L6-v2 and adapted to the corpus during the build; or
``minilm``, the model itself):
1. full build of every solved ticket with text (empty caches, so every vector is computed,
   and for ``static`` also the distilled base table and MiniLM's vectors of the adaptation
   sample; identical texts are embedded once);
2. incremental add: an index of all but the newest ``--add`` tickets (built from the cache
   of step 1, untimed), then the timed update that embeds and adds the newest ``--add``
   (embedder without cache, so those vectors are really computed);
3. warm ``recommend``: open the index, warm up, then time ``--queries`` recommendations of
   the texts of tickets that are not in the index.
Each step also reports its process CPU time (all threads): on a shared machine wall time
depends on the neighbours; CPU time / 2 is what the step needs of an idle 2-core machine.
Targets (docs/benchmarks.md): build of 100k ≤ 6 min on 2 cores, add 1k ≤ 10 s, p95 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from tickets.data.warehouse import Warehouse
from tickets.retrieval.builder import build_index
from tickets.retrieval.corpus import Corpus, load_corpus
from tickets.retrieval.embedder import CachedEmbedder, Embedder, MiniLMEmbedder, make_embedder
from tickets.retrieval.recommender import Recommender
from tickets.retrieval.settings import RetrievalSettings
from tickets.retrieval.static_embedder import static_of
from tickets.retrieval.store import load_index

EmbedderFactory = Callable[[Path | None], Embedder]  # embedding cache folder -> embedder


def configured(settings: RetrievalSettings) -> EmbedderFactory:
    return lambda cache=None: make_embedder(settings.dense, cache)


def minilm(settings: RetrievalSettings) -> Callable[[], Embedder]:
    return lambda: MiniLMEmbedder(settings.dense.batch_size, settings.dense.max_seq_length)


def _cache_counts(embedder: Embedder) -> tuple[int, int]:
    """(texts MiniLM embedded, texts read from its cache) for either encoder."""
    static = static_of(embedder)
    cached = static.teacher if static is not None else embedder
    if isinstance(cached, CachedEmbedder):
        return cached.misses, cached.hits
    return 0, 0


def bench_build(
    corpus: Corpus, work: Path, settings: RetrievalSettings, make: EmbedderFactory
) -> dict:
    shutil.rmtree(work / "cache", ignore_errors=True)
    embedder = make(work / "cache")
    start, cpu = time.perf_counter(), time.process_time()
    report = build_index(corpus, work / "index_full", settings, embedder, rebuild=True)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    return {
        "tickets": report.tickets,
        "kb_articles": report.kb_articles,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu_seconds, 1),
        "steps": report.seconds,
        "minilm_texts_embedded": _cache_counts(embedder)[0],
        "minilm_texts_from_cache": _cache_counts(embedder)[1],
        "static_embedder": getattr(static_of(embedder), "report", None),
        "graph_nodes": report.graph_nodes,
        "graph_edges": report.graph_edges,
    }


def bench_add(
    corpus: Corpus, work: Path, settings: RetrievalSettings, make: EmbedderFactory, count: int
) -> dict:
    older = dataclasses.replace(corpus, tickets=corpus.tickets[:-count])
    cached = make(work / "cache")
    build_index(older, work / "index_add", settings, cached, rebuild=True)
    embedder = make(None)  # no cache: the new tickets are embedded for real
    start, cpu = time.perf_counter(), time.process_time()
    report = build_index(corpus, work / "index_add", settings, embedder)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    return {
        "added": report.new_tickets,
        "mode": report.mode,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "steps": report.seconds,
    }


def bench_throughput(corpus: Corpus, make: Callable[[], Embedder], count: int = 400) -> dict:
    """Embedding speed on one thread, per CPU-second: what an idle core does, whatever the load.

    With two threads on a busy machine, OpenMP threads spin while waiting for each other and
    that spinning counts as CPU time; one thread has nothing to wait for.
    """
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        embedder = make()
        embedder.embed(["warm-up"])
        sample = corpus.tickets[:count]
        result = {}
        for field, texts in (
            ("title_body", [t.search_text for t in sample]),
            ("title", [t.title for t in sample]),
        ):
            cpu = time.process_time()
            embedder.embed(texts)
            elapsed = max(time.process_time() - cpu, 1e-6)
            result[f"{field}_per_cpu_second"] = round(len(texts) / elapsed, 1)
    finally:
        torch.set_num_threads(threads)
    return result


def bench_recommend(
    corpus: Corpus, work: Path, settings: RetrievalSettings, make: EmbedderFactory, queries: int
) -> dict:
    start = time.perf_counter()
    index = load_index(work / "index_add", settings, make(None))
    recommender = Recommender(index, settings)
    load_seconds = time.perf_counter() - start
    # tickets spread over the corpus, each left out of its own results (the --ticket-id path,
    # but with one embedding like --text: subject and body as one free text)
    step = max(1, len(corpus.tickets) // queries)
    sample = corpus.tickets[::step][:queries]
    for ticket in sample[:5]:  # warm-up: model, BLAS, first allocations
        recommender.recommend(ticket.search_text, 5, ticket.doc_id)
    latencies, cpu_ms, confident = [], [], 0
    for ticket in sample:
        t0, c0 = time.perf_counter(), time.process_time()
        rec = recommender.recommend(ticket.search_text, 5, ticket.doc_id)
        latencies.append((time.perf_counter() - t0) * 1e3)
        cpu_ms.append((time.process_time() - c0) * 1e3)
        confident += rec.answer.confident
    values = np.array(latencies)
    return {
        "queries": len(values),
        "open_seconds": round(load_seconds, 2),
        "p50_ms": round(float(np.percentile(values, 50)), 1),
        "p95_ms": round(float(np.percentile(values, 95)), 1),
        "max_ms": round(float(values.max()), 1),
        "cpu_p50_ms": round(float(np.percentile(cpu_ms, 50)), 1),
        "cpu_p95_ms": round(float(np.percentile(cpu_ms, 95)), 1),
        "confident_share": round(confident / max(len(values), 1), 3),
        "vector_index": index.tickets.dense.body.kind,
    }


def run(
    warehouse: Path,
    work: Path,
    settings: RetrievalSettings,
    make: EmbedderFactory,
    add: int = 1000,
    queries: int = 200,
    skip_build: bool = False,
) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    corpus = load_corpus(Warehouse.at(warehouse), settings.graph.issue_column)
    result: dict[str, object] = {
        "warehouse": str(warehouse),
        "encoder": settings.dense.encoder,
        "solved_tickets": len(corpus.tickets),
        "cpus": os.cpu_count(),
        "load_average_at_start": list(os.getloadavg()),
    }
    if not skip_build:
        result["build"] = bench_build(corpus, work, settings, make)
    result["add"] = bench_add(corpus, work, settings, make, add)
    result["recommend"] = bench_recommend(corpus, work, settings, make, queries)
    result["load_average_at_end"] = list(os.getloadavg())
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, required=True, help="a generated warehouse")
    parser.add_argument("--work", type=Path, default=Path("outputs/bench/retrieval"))
    parser.add_argument("--add", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-build", action="store_true", help="only the add and latency")
    parser.add_argument(
        "--throughput-only", action="store_true", help="only the one-thread embedding speed"
    )
    parser.add_argument("--encoder", choices=("static", "minilm"), default="static")
    parser.add_argument("--output", type=Path, default=None, help="write the result as JSON")
    args = parser.parse_args(argv)
    defaults = RetrievalSettings()
    dense = dataclasses.replace(defaults.dense, encoder=args.encoder)
    settings = dataclasses.replace(defaults, dense=dense)
    if args.throughput_only:
        corpus = load_corpus(Warehouse.at(args.warehouse), settings.graph.issue_column)
        print(json.dumps(bench_throughput(corpus, minilm(settings)), indent=2))
        return 0
    result = run(
        args.warehouse,
        args.work,
        settings,
        configured(settings),
        args.add,
        args.queries,
        args.skip_build,
    )
    text = json.dumps(result, indent=2)
    print(text)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

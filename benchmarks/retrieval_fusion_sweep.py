"""Choose the default fusion by evaluation, on tuning halves, and report held-out halves.

    python benchmarks/retrieval_fusion_sweep.py [--datasets DIR] [--encoder static|minilm] \
        [--output FILE.json]

Runs BM25 and dense once per query on StackFAQ (query → thread) and GitBugs Hadoop (newer →
older duplicate, with and without the created-before restriction), then re-fuses the cached
lists under every candidate setting: fixed weights (every normalisation pair, weighted and
plain RRF), and query-adaptive weights (dense weight w minus shift × the query's share of
identifier words, floored) on the normalisation pair that fixed weights use. Tuning half:
StackFAQ rephrase group 0 and the Hadoop queries with odd ids; held-out half: group 1 and even
ids. Settings are ranked by the number of tuning sets on which the fused MRR is at least the
best single method's (within 0.005), then by the mean margin over the best single method.
Only the tuning halves decide; the held-out numbers are reported as they come.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from tickets.retrieval.beir import BeirQuery, load_beir
from tickets.retrieval.embedder import make_embedder
from tickets.retrieval.evaluate import build_retriever, run_queries
from tickets.retrieval.fusion import fuse, query_weights
from tickets.retrieval.hits import Hits
from tickets.retrieval.metrics import rank_metrics
from tickets.retrieval.settings import RetrievalSettings
from tickets.retrieval.text import clean_query, identifier_share

NORMALISATIONS = ("minmax", "zscore", "tmm")
DENSE_WEIGHTS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
# query-adaptive weights: dense weight for a query without identifiers, shift, floor
ADAPTIVE_NORMALISATION = {"bm25": "minmax", "dense": "tmm"}
ADAPTIVE_WEIGHTS = (0.75, 0.8, 0.85, 0.9, 0.95)
SHIFTS = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0)
FLOORS = (0.2, 0.3, 0.4, 0.5)
TIE = 0.005  # MRR differences below this count as a tie (the sets have 66 to 1249 queries)


def sets(root: Path) -> dict[str, tuple[Path, Path, Path | None, bool]]:
    stack, hadoop = root / "stackfaq", root / "gitbugs_hadoop"
    return {
        "stackfaq": (
            stack / "corpus_threads.jsonl.gz",
            stack / "qrels_threads.tsv",
            stack / "queries.jsonl.gz",
            False,
        ),
        "hadoop": (hadoop / "corpus.jsonl.gz", hadoop / "qrels_newer_to_older.tsv", None, False),
        "hadoop_before": (
            hadoop / "corpus.jsonl.gz",
            hadoop / "qrels_newer_to_older.tsv",
            None,
            True,
        ),
    }


def is_tuning(query: BeirQuery) -> bool:
    if query.group is not None:
        return query.group == "0"
    return int("".join(c for c in query.query_id if c.isdigit()) or 0) % 2 == 1


def collect(root: Path, settings: RetrievalSettings, cache: Path) -> dict[str, list[dict]]:
    """Per set, per query: its BM25 and dense lists, relevant ids, and tuning/held-out half."""
    runs: dict[str, list[dict]] = {}
    for name, (corpus, qrels, queries, before) in sets(root).items():
        beir = load_beir(corpus, qrels, queries)
        embedder = make_embedder(settings.dense, cache)  # a static one is fitted per corpus
        retriever = build_retriever(beir, settings, embedder, with_graph=False)
        outcomes = run_queries(beir, retriever, embedder, ["bm25", "dense"], before, 2000)
        ids = [d.doc_id for d in retriever.collections["doc"].documents]
        runs[name] = [
            {
                "ids": ids,
                "bm25": o.retrieved.lists.get("bm25", Hits.empty()),
                "dense": o.retrieved.lists.get("dense", Hits.empty()),
                "relevant": beir.qrels[o.query.query_id],
                "tuning": is_tuning(o.query),
                "share": identifier_share(clean_query(o.query.text, 2000).text),
            }
            for o in outcomes
        ]
        print(f"{name}: {len(outcomes)} queries", file=sys.stderr, flush=True)
    return runs


def mrr(rows: list[dict], rank: Callable[[dict], Hits], half: bool | None) -> float:
    chosen = [r for r in rows if half is None or r["tuning"] == half]
    values = [
        rank_metrics([r["ids"][i] for i in rank(r).indices[:100].tolist()], r["relevant"])["mrr"]
        for r in chosen
    ]
    return float(np.mean(values))


def candidates() -> list[tuple[str, dict]]:
    found = []
    for nb, nd, w in itertools.product(NORMALISATIONS, NORMALISATIONS, DENSE_WEIGHTS):
        params = {"method": "score", "normalisation": {"bm25": nb, "dense": nd}, "w_dense": w}
        found.append((f"score bm25={nb} dense={nd} w={w}", params))
    for w in DENSE_WEIGHTS:
        found.append((f"weighted_rrf w={w}", {"method": "weighted_rrf", "w_dense": w}))
    found.append(("rrf k=60", {"method": "rrf", "w_dense": 0.5}))
    for w, shift, floor in itertools.product(ADAPTIVE_WEIGHTS, SHIFTS, FLOORS):
        params = {
            "method": "score",
            "normalisation": ADAPTIVE_NORMALISATION,
            "w_dense": w,
            "shift": shift,
            "floor": floor,
        }
        found.append((f"adaptive w={w} shift={shift} floor={floor}", params))
    return found


def ranker(params: dict) -> Callable[[dict], Hits]:
    weights = {"bm25": 1 - params["w_dense"], "dense": params["w_dense"]}
    normalisation = params.get("normalisation", "minmax")
    shift, floor = params.get("shift", 0.0), params.get("floor", 0.0)

    def rank(row: dict) -> Hits:
        lists = {"bm25": row["bm25"], "dense": row["dense"]}
        adapted = query_weights(weights, row["share"], shift, floor)
        return fuse(lists, params["method"], adapted, 60, normalisation)

    return rank


def sweep(runs: dict[str, list[dict]]) -> dict:
    singles = {
        name: {
            half: {m: mrr(rows, lambda r, m=m: r[m], half) for m in ("bm25", "dense")}
            for half in (True, False, None)
        }
        for name, rows in runs.items()
    }
    table = []
    for label, params in candidates():
        rank = ranker(params)
        scores = {
            name: {"tuning": mrr(rows, rank, True), "held_out": mrr(rows, rank, False)}
            for name, rows in runs.items()
        }
        margins = [scores[n]["tuning"] - max(singles[n][True].values()) for n in runs]
        wins = sum(m >= -TIE for m in margins)
        margin = float(np.mean(margins))
        table.append({"label": label, "params": params, "wins": wins, "margin": margin, **scores})
    table.sort(key=lambda row: (-row["wins"], -row["margin"]))
    return {
        "singles": {n: {str(k): v for k, v in s.items()} for n, s in singles.items()},
        "ranked": table,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=Path, default=Path("../shared/datasets"))
    parser.add_argument("--cache", type=Path, default=Path("outputs/cache/embeddings"))
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--encoder", choices=("static", "minilm"), default="static")
    args = parser.parse_args(argv)
    defaults = RetrievalSettings()
    dense = dataclasses.replace(defaults.dense, encoder=args.encoder)
    settings = dataclasses.replace(defaults, dense=dense)
    result = sweep(collect(args.datasets, settings, args.cache))
    print("singles (tuning / held-out / all):")
    for name, s in result["singles"].items():
        print(
            f"  {name}: "
            + "  ".join(
                f"{m} {s['True'][m]:.3f}/{s['False'][m]:.3f}/{s['None'][m]:.3f}"
                for m in ("bm25", "dense")
            )
        )
    print("top settings (tuning/held-out MRR):")
    for row in result["ranked"][:10]:
        cells = "  ".join(
            f"{n} {row[n]['tuning']:.3f}/{row[n]['held_out']:.3f}"
            for n in ("stackfaq", "hadoop", "hadoop_before")
        )
        print(f"  {row['label']:<40} wins {row['wins']} mean {row['margin']:+.3f}  {cells}")
    if args.output:
        args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

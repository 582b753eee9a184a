"""Categorisation benchmark: held-out quality of every model on the real datasets (and on a
generated warehouse), batch throughput and single-ticket latency.

    .venv/bin/python benchmarks/categorize_bench.py --datasets topics,endava,it
    .venv/bin/python benchmarks/categorize_bench.py --datasets generated --warehouse DIR

Each dataset is read through its data preset and the same adapter as the CLI, split 80/20
(stratified, or by time when tickets have timestamps; the test part is never used for tuning),
and every model is trained in one run (``model=all``; Endava topics ``model=vote``, which
trains linear, NB-SVM, neural and their equal-weight vote) so the linear baseline and the ensemble
see the same split. Results go to outputs/bench/categorize-<dataset>.json and are printed as
a Markdown table for docs/evaluation.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tickets.cli import compose_config  # noqa: E402
from tickets.data.warehouse import Warehouse  # noqa: E402
from tickets.models.factory import output_model  # noqa: E402
from tickets.models.train import fit_and_evaluate  # noqa: E402
from tickets.tasks.categorize_inputs import (  # noqa: E402
    model_settings,
    read_tickets,
    train_settings,
    warehouse_tickets,
)

DATASETS = {
    "it": ["data=it_ticket_assignment", "target=queue"],
    "endava": ["data=endava_tickets", "target=category"],
    "topics": ["data=endava_topics", "target=category", "model=vote"],
    "generated": ["target=category"],
}


def _speed(classifier, frame: pd.DataFrame, batch_rows: int, singles: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Batch tickets/s (text prepared once per batch) and warm single-ticket latencies."""
    batch = pd.concat([frame] * (batch_rows // max(len(frame), 1) + 1)).head(batch_rows)
    started, cpu = time.perf_counter(), time.process_time()
    classifier.predict_proba(batch)
    per_second = batch_rows / (time.perf_counter() - started)
    per_cpu_second = batch_rows / max(time.process_time() - cpu, 1e-9)
    rows = [frame.iloc[[i % len(frame)]] for i in range(singles + 5)]
    wall, cpu_ms = [], []
    for i, row in enumerate(rows):
        started, cpu = time.perf_counter(), time.process_time()
        classifier.predict_proba(row)
        if i >= 5:  # warm-up calls are not counted
            wall.append((time.perf_counter() - started) * 1000)
            cpu_ms.append((time.process_time() - cpu) * 1000)
    return {
        "batch_tickets_per_s": round(per_second, 1),
        "batch_tickets_per_cpu_s": round(per_cpu_second, 1),
        "single_p50_ms": round(float(np.percentile(wall, 50)), 2),
        "single_p95_ms": round(float(np.percentile(wall, 95)), 2),
        "single_cpu_p95_ms": round(float(np.percentile(cpu_ms, 95)), 2),
        "load_average_1m": round(os.getloadavg()[0], 1),
    }


def dataset_overrides(name: str, extra: list[str]) -> list[str]:
    """The dataset's preset, ``extra`` and a model preset: the one ``extra`` names, else the
    dataset's, else ``model=all``."""
    preset = DATASETS[name]
    if any(o.startswith("model=") for o in extra):
        preset = [o for o in preset if not o.startswith("model=")]
    model = [] if any(o.startswith("model=") for o in [*preset, *extra]) else ["model=all"]
    return [*preset, *model, *extra]


def run_dataset(name: str, overrides: list[str], args: argparse.Namespace) -> dict[str, object]:
    cfg = compose_config(dataset_overrides(name, overrides))
    model, train = model_settings(cfg), train_settings(cfg)
    if name == "generated":
        frame = warehouse_tickets(Warehouse.at(args.warehouse))
    else:
        frame = read_tickets(cfg, None).frame
    if args.limit:
        frame = frame.head(args.limit)
    started, cpu = time.perf_counter(), time.process_time()
    outcome = fit_and_evaluate(frame, model, train)
    total, total_cpu = time.perf_counter() - started, time.process_time() - cpu
    table = outcome.table()
    test = frame.drop(columns=[model.target]).iloc[outcome.split.test].reset_index(drop=True)
    speed = {
        m: _speed(output_model(outcome.classifier, m), test, args.batch_rows, args.singles)
        for m in args.speed_models.split(",")
        if m == "ensemble" or m in model.members  # a model the preset does not train: skipped
    }
    return {
        "dataset": name,
        "overrides": dataset_overrides(name, overrides),
        "rows": len(frame),
        "split": outcome.split.kind,
        "n_train": len(outcome.split.train),
        "n_test": len(outcome.split.test),
        "classes": len(outcome.classifier.classes_),
        "grouped_classes": outcome.classifier.report_.grouped_classes,
        "weights": outcome.classifier.report_.weights,
        "fit_seconds": round(outcome.fit_seconds, 1),
        "total_seconds": round(total, 1),
        "total_cpu_seconds": round(total_cpu, 1),  # all threads of this process
        "table": table.to_dict(orient="records"),
        "speed": speed,
    }


def markdown(result: dict[str, object]) -> str:
    lines = [
        f"**{result['dataset']}** ({result['rows']} tickets, {result['classes']} classes, "
        f"{result['split']} split {result['n_train']}/{result['n_test']}, "
        f"fit {result['fit_seconds']} s, fit + evaluation {result['total_seconds']} s wall / "
        f"{result.get('total_cpu_seconds', '?')} CPU-s, weights {result['weights']})",
        "",
        "| model | accuracy | macro-F1 | weighted-F1 | ECE | accuracy all labels "
        "| macro-F1 all labels | review rate |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in result["table"]:  # type: ignore[attr-defined]
        lines.append(
            f"| {row['model']} | {row['accuracy']:.3f} | {row['macro_f1']:.3f} | "
            f"{row['weighted_f1']:.3f} | {row['ece']:.3f} | {row['accuracy_all_labels']:.3f} | "
            f"{row['macro_f1_all_labels']:.3f} | {row['review_rate']:.3f} |"
        )
    for model, speed in result["speed"].items():  # type: ignore[attr-defined]
        lines.append(f"\n{model}: {speed}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="topics,endava,it")
    parser.add_argument("--warehouse", help="generated warehouse for --datasets generated")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N tickets")
    parser.add_argument("--batch-rows", type=int, default=2000)
    parser.add_argument("--singles", type=int, default=100)
    parser.add_argument("--speed-models", default="lightgbm,ensemble")
    parser.add_argument("--out", default=str(ROOT / "outputs" / "bench"))
    parser.add_argument(
        "overrides", nargs="*", help="Hydra overrides, e.g. model.params.neural.inputs=both"
    )
    args = parser.parse_args()
    Path(args.out).mkdir(parents=True, exist_ok=True)
    for name in args.datasets.split(","):
        result = run_dataset(name, args.overrides, args)
        digest = hashlib.sha1(" ".join(args.overrides).encode()).hexdigest()[:8]
        suffix = f"-{digest}" if args.overrides else ""  # results of other settings kept apart
        path = Path(args.out) / f"categorize-{name}{suffix}.json"
        path.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
        print(markdown(result), flush=True)
        print(f"→ {path}\n", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

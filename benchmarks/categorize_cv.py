"""Cross-validation on the training part of the categorisation benchmark's split.

How a model preset is chosen without looking at the held-out tickets: every variant (a name and
Hydra overrides) is fitted k times on the same folds of the training part of
``categorize_bench.py``'s split, and each of its models (every member and the ensemble) is scored
on the out-of-fold tickets, in the model's label space like the benchmark.

    .venv/bin/python benchmarks/categorize_cv.py --dataset topics \\
        --variant "vote" --variant "vote-nbsvm-C0.1 model.params.nbsvm.C=0.1"
    .venv/bin/python benchmarks/categorize_cv.py --dataset it --variant "all model=all"

Pooled accuracy and macro-F1 are over all out-of-fold predictions; ``± sd`` is the standard
deviation of the per-fold accuracy. Results go to outputs/bench/categorize-cv-<dataset>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from categorize_bench import DATASETS, dataset_overrides  # noqa: E402

from tickets.cli import compose_config  # noqa: E402
from tickets.models.factory import build_classifier, output_model  # noqa: E402
from tickets.models.features import TicketBatch  # noqa: E402
from tickets.models.settings import ModelSettings  # noqa: E402
from tickets.models.train import split_labelled  # noqa: E402
from tickets.tasks.categorize_inputs import model_settings, read_tickets, train_settings  # noqa: E402


def training_part(
    dataset: str, overrides: list[str], limit: int = 0
) -> tuple[ModelSettings, TicketBatch, np.ndarray]:
    """The model settings and the training part of categorize_bench.py's split of ``dataset``."""
    cfg = compose_config(dataset_overrides(dataset, overrides))
    model = model_settings(cfg)
    frame = read_tickets(cfg, None).frame
    if limit:
        frame = frame.head(limit)
    tickets, labels, split, _ = split_labelled(frame, model, train_settings(cfg))
    return model, TicketBatch(tickets, model.max_chars).take(split.train), labels[split.train]


def cross_validate(
    dataset: str, overrides: list[str], folds: int, seed: int, limit: int
) -> list[dict[str, object]]:
    """One row per output model of the variant: pooled out-of-fold accuracy and macro-F1."""
    model, batch, labels = training_part(dataset, overrides, limit)
    names = list(dict.fromkeys(["linear", *model.outputs]))
    truth: dict[str, list[np.ndarray]] = {name: [] for name in names}
    predicted: dict[str, list[np.ndarray]] = {name: [] for name in names}
    started = time.perf_counter()
    folding = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for fit_rows, scored_rows in folding.split(np.zeros(len(labels)), labels):
        classifier = build_classifier(model).fit(batch.take(fit_rows), labels[fit_rows])
        scored = batch.take(scored_rows)
        for name in names:
            member = output_model(classifier, name)
            predicted[name].append(member.predict(scored))
            truth[name].append(member.plan_.map(labels[scored_rows]))
    seconds = time.perf_counter() - started
    rows = []
    for name in names:
        per_fold = [np.mean(t == p) for t, p in zip(truth[name], predicted[name], strict=True)]
        pooled_truth, pooled = np.concatenate(truth[name]), np.concatenate(predicted[name])
        rows.append(
            {
                "model": name,
                "accuracy": round(float(np.mean(pooled_truth == pooled)), 4),
                "accuracy_sd": round(float(np.std(per_fold)), 4),
                "macro_f1": round(float(f1_score(pooled_truth, pooled, average="macro")), 4),
                "n": len(pooled),
                "seconds": round(seconds, 1),
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dataset", default="topics", choices=sorted(set(DATASETS) - {"generated"})
    )
    parser.add_argument(
        "--variant",
        action="append",
        required=True,
        help='"NAME [override ...]", e.g. "c01 model.params.linear.C=0.1"; repeat for more',
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0, help="seed of the fold assignment")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N tickets")
    parser.add_argument("--out", default=str(ROOT / "outputs" / "bench"))
    parser.add_argument("overrides", nargs="*", help="Hydra overrides for every variant")
    args = parser.parse_args()
    results: dict[str, object] = {"dataset": args.dataset, "folds": args.folds, "seed": args.seed}
    print("| variant | model | CV accuracy ± sd | CV macro-F1 | seconds |\n|---|---|---|---|---|")
    for variant in args.variant:
        name, *overrides = variant.split()
        rows = cross_validate(
            args.dataset, [*args.overrides, *overrides], args.folds, args.seed, args.limit
        )
        results[name] = {"overrides": overrides, "rows": rows}
        for row in rows:
            print(
                f"| {name} | {row['model']} | {row['accuracy']:.3f} ± {row['accuracy_sd']:.3f} "
                f"| {row['macro_f1']:.3f} | {row['seconds']} |",
                flush=True,
            )
    path = Path(args.out) / f"categorize-cv-{args.dataset}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"→ {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

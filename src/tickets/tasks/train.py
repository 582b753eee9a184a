"""``python main.py train --task categorize``: fit, evaluate, track in MLflow, register."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from omegaconf import DictConfig
from rich.table import Table

from tickets.data.adapter_spec import AdapterConfigError
from tickets.data.warehouse import WarehouseError
from tickets.models.evaluate import TargetColumnError
from tickets.models.features import FeatureSchemaError
from tickets.models.train import TrainingOutcome, train_categorizer
from tickets.tasks.categorize_inputs import (
    model_settings,
    read_tickets,
    tracking_settings,
    train_settings,
)
from tickets.utils.logging import console


def run(cfg: DictConfig) -> int:
    if cfg.train.task != "categorize":
        console.print(f"[red]unknown training task {cfg.train.task!r}[/]; use --task categorize")
        return 2
    try:
        model, train = model_settings(cfg), train_settings(cfg)
        tickets = read_tickets(cfg, cfg.train.input)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        run_dir = Path(train.output_dir) / f"{model.target}-{model.name}-{stamp}"
        console.print(
            f"training [bold]{model.name}[/] for [bold]{model.target}[/] on "
            f"{len(tickets.frame)} tickets from {tickets.source}"
            + (f" ({tickets.rejected} rows rejected by validation)" if tickets.rejected else "")
        )
        with console.status("fitting and evaluating…"):
            outcome = train_categorizer(
                tickets.frame, model, train, tracking_settings(cfg), run_dir
            )
    except (
        TargetColumnError,
        FeatureSchemaError,
        AdapterConfigError,
        WarehouseError,
        ValueError,
        FileNotFoundError,
    ) as err:
        console.print(f"[red]cannot train:[/] {err}")
        return 1
    print_outcome(outcome, run_dir)
    return 0


SHOWN_COLUMNS = {
    "model": "model",
    "accuracy": "accuracy",
    "macro_f1": "macro-F1",
    "weighted_f1": "weighted-F1",
    "ece": "ECE",
    "review_rate": "review",
    "accuracy_when_confident": "acc. when sure",
}


def evaluation_rich_table(table: pd.DataFrame, title: str) -> Table:
    """The main columns of an evaluation table (evaluation.csv has them all)."""
    shown = Table(title=title)
    for label in SHOWN_COLUMNS.values():
        shown.add_column(label, justify="left" if label == "model" else "right", no_wrap=True)
    for row in table[list(SHOWN_COLUMNS)].itertuples(index=False):
        shown.add_row(*(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row))
    return shown


def print_outcome(outcome: TrainingOutcome, run_dir: Path) -> None:
    split = outcome.split
    title = (
        f"held-out evaluation ({split.kind} split: {len(split.train)} train / "
        f"{len(split.test)} test; fit {outcome.fit_seconds:.0f}s)"
    )
    console.print(evaluation_rich_table(outcome.table(), title))
    report = outcome.classifier.report_
    if report.grouped_classes:
        console.print(
            f"grouped {len(report.grouped_classes)} rare classes into "
            f"{outcome.classifier.rare_label!r}: {', '.join(report.grouped_classes)}"
        )
    if len(report.weights) > 1:
        console.print(f"ensemble weights {report.weights}")
    if outcome.unlabelled_rows:
        console.print(f"{outcome.unlabelled_rows} tickets without a label were skipped")
    for name, logged in outcome.runs.items():
        console.print(f"MLflow run [bold]{name}[/]: {logged.run_id} ({logged.model_uri})")
    if outcome.registration is not None:
        r = outcome.registration
        console.print(f"registered [bold]{r.name}[/] version {r.version} as {', '.join(r.aliases)}")
    console.print(f"reports in {run_dir}")

"""``python main.py evaluate --task X``: dispatch to the task module of each evaluation."""

from __future__ import annotations

import importlib

from omegaconf import DictConfig

from tickets.utils.logging import console

EVALUATORS = {
    "categorize": "tickets.tasks.evaluate_categorize",
    "retrieval": "tickets.tasks.evaluate_retrieval",
    "anomalies": "tickets.tasks.evaluate_anomalies",
}


def run(cfg: DictConfig) -> int:
    task = cfg.evaluate.task
    if task not in EVALUATORS:
        console.print(f"[red]choose what to evaluate:[/] --task {' | '.join(EVALUATORS)}")
        return 2
    try:
        module = importlib.import_module(EVALUATORS[task])
    except ModuleNotFoundError:
        console.print(f"[yellow]evaluation of {task!r} is not built yet.[/] Nothing was run.")
        return 2
    return int(module.run(cfg))

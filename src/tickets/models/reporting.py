"""Write the evaluation of a training run: figures, reports, metric files, the table."""

from __future__ import annotations

from pathlib import Path

from tickets.models.evaluate import ModelEvaluation, evaluation_table
from tickets.models.metrics import confusion
from tickets.models.plots import confusion_png, coverage_png
from tickets.utils.io import write_json_atomic, write_text_atomic


def write_evaluation(
    evaluations: dict[str, ModelEvaluation], folder: Path
) -> dict[str, dict[str, Path]]:
    """Per model: confusion PNG, classification report and metrics JSON; one coverage PNG."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, dict[str, Path]] = {}
    for name, evaluation in evaluations.items():
        metrics = evaluation.metrics
        labels = sorted(metrics.support)
        matrix = confusion(evaluation.truth, evaluation.predicted, labels)
        title = f"{name}: confusion on {metrics.n} held-out tickets"
        payload = {**evaluation.row(), **metrics.to_dict()}
        files[name] = {
            "confusion": confusion_png(matrix, labels, folder / f"confusion_{name}.png", title),
            "report": write_text_atomic(
                folder / f"classification_report_{name}.txt", metrics.report
            ),
            "metrics": write_json_atomic(folder / f"metrics_{name}.json", payload),
        }
    curves = {name: e.metrics.coverage for name, e in evaluations.items()}
    coverage = coverage_png(curves, folder / "coverage_accuracy.png", "needs_review threshold")
    table = evaluation_table(list(evaluations.values()))
    table.to_csv(folder / "evaluation.csv", index=False)
    for entry in files.values():
        entry["coverage"] = coverage
    return files

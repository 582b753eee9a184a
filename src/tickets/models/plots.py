"""PNG figures of an evaluation: confusion matrix and coverage-versus-accuracy curve."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tickets.models.calibration import CoveragePoint
from tickets.utils.io import atomic_path

MAX_CONFUSION_CLASSES = 30


def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def confusion_png(matrix: np.ndarray, labels: list[str], path: Path, title: str) -> Path:
    """Row-normalised confusion matrix; with many classes only the largest ones are drawn."""
    plt = _pyplot()
    support = matrix.sum(axis=1)
    keep = np.sort(np.argsort(-support, kind="stable")[:MAX_CONFUSION_CLASSES])
    shown = matrix[np.ix_(keep, keep)].astype(float)
    rates = shown / np.maximum(shown.sum(axis=1, keepdims=True), 1)
    names = [labels[i][:24] for i in keep]
    size = 3 + 0.32 * len(keep)
    fig, ax = plt.subplots(figsize=(size + 1.5, size))
    image = ax.imshow(rates, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(keep)), names, rotation=90, fontsize=7)
    ax.set_yticks(range(len(keep)), names, fontsize=7)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    if len(keep) < len(labels):
        title += f" (largest {len(keep)} of {len(labels)} classes)"
    ax.set_title(title, fontsize=9)
    fig.colorbar(image, ax=ax, fraction=0.04)
    fig.tight_layout()
    return _save(plt, fig, path)


def coverage_png(points: dict[str, list[CoveragePoint]], path: Path, title: str) -> Path:
    """Accuracy of automatic answers against their coverage, one line per model."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for name, curve in points.items():
        ax.plot([p.coverage for p in curve], [p.accuracy for p in curve], marker=".", label=name)
    ax.set_xlabel("coverage (share of tickets not sent to review)")
    ax.set_ylabel("accuracy on covered tickets")
    ax.set_title(title, fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return _save(plt, fig, path)


def _save(plt, fig, path: Path) -> Path:  # type: ignore[no-untyped-def]
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    plt.close(fig)
    return path

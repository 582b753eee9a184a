"""Which labels a model learns: rare classes grouped into one explicit class.

A class with fewer than ``min_count`` training examples cannot be learnt or evaluated reliably;
it is mapped to ``rare_label`` (its tickets then need a human) and the run reports which
classes were grouped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

RARE_LABEL = "(rare)"


@dataclass
class LabelPlan:
    """The learnt classes, and the rare source classes folded into ``rare_label``."""

    classes: list[str]
    grouped: dict[str, int] = field(default_factory=dict)  # rare class → training count
    rare_label: str = RARE_LABEL

    @classmethod
    def fit(
        cls, labels: Iterable[object], min_count: int, rare_label: str = RARE_LABEL
    ) -> LabelPlan:
        counts = pd.Series([str(v) for v in labels]).value_counts()
        rare = counts[counts < min_count]
        grouped = {str(k): int(v) for k, v in rare.sort_index().items()}
        kept = sorted(str(k) for k in counts.index if str(k) not in grouped)
        if grouped:
            kept = sorted({*kept, rare_label})
        if len(kept) < 2:
            raise ValueError(
                f"only {len(kept)} class left after grouping classes with fewer than "
                f"{min_count} examples ({counts.to_dict()}); lower model.rare_min_count or "
                "train on more labelled tickets"
            )
        return cls(kept, grouped, rare_label)

    def map(self, labels: Iterable[object]) -> np.ndarray:
        """Source labels as learnt labels (rare ones grouped; unknown ones kept as they are)."""
        return np.array([self.rare_label if str(v) in self.grouped else str(v) for v in labels])

    def encode(self, labels: Iterable[object]) -> np.ndarray:
        """Class indices of known labels; raises on a label the model never learnt."""
        index = {c: i for i, c in enumerate(self.classes)}
        mapped = self.map(labels)
        unknown = sorted(set(mapped) - set(index))
        if unknown:
            raise ValueError(f"labels {unknown[:10]} are not among the model's classes")
        return np.array([index[v] for v in mapped], dtype=np.int64)

    def unseen(self, labels: Iterable[object]) -> list[str]:
        """Labels of an evaluation file that the model has never seen in training."""
        return sorted(set(self.map(labels)) - set(self.classes))


def class_weights(y: np.ndarray, power: float) -> np.ndarray:
    """Per-row weight (n / (k · count))^power: 0 = none, 1 = fully balanced."""
    classes, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    weight = (len(y) / (len(classes) * counts)) ** power
    return weight[inverse]  # type: ignore[no-any-return]

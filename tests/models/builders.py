"""Tiny model settings shared by the categorisation tests (seconds to train)."""

from __future__ import annotations

from tickets.models.settings import ModelSettings

TINY_PARAMS = {
    "linear": {"C": 1.0, "char_ngrams": [2, 4]},
    "lightgbm": {"n_components": 8, "n_estimators": 30, "min_child_samples": 2, "n_jobs": 1},
    "neural": {
        "hidden": 32,
        "epochs": 30,
        "patience": 30,
        "batch_size": 8,
        "learning_rate": 0.01,
        "validation_fraction": 0.0,
    },
}


def tiny_settings(name: str = "linear", **changes: object) -> ModelSettings:
    members = {
        "linear": ("linear",),
        "lightgbm": ("linear", "lightgbm"),
        "neural": ("linear", "neural"),
    }.get(name, ("linear", "lightgbm", "neural"))
    values: dict[str, object] = {
        "name": name,
        "members": members,
        "rare_min_count": 2,
        "seed": 7,
        "validation_size": 0.25,
        "params": TINY_PARAMS,
        "weight_step": 0.25,
    }
    values.update(changes)
    return ModelSettings(**values)  # type: ignore[arg-type]

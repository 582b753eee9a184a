"""Persist the satisfaction driver model: ``satisfaction_model.pkl`` + a metadata JSON.

A saved model is reused when its metadata says it was trained with the same feature list,
hyperparameters, SLA config and on the same warehouse content (data fingerprint); otherwise,
or with ``--refresh-models``, it is retrained.
"""

from __future__ import annotations

import json
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tickets.utils.io import atomic_path, write_json_atomic

MODEL_FILE = "satisfaction_model.pkl"
METADATA_FILE = "satisfaction_model.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class ModelKey:
    """What a saved model must match to be reused."""

    features: list[str]
    params: dict[str, Any]
    config: dict[str, Any]
    data_fingerprint: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "features": self.features,
            "params": self.params,
            "config": self.config,
            "data_fingerprint": self.data_fingerprint,
        }


def load_metadata(models_dir: Path) -> dict[str, Any] | None:
    path = models_dir / METADATA_FILE
    if not path.exists() or not (models_dir / MODEL_FILE).exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except (OSError, json.JSONDecodeError):
        return None


def incompatibility(metadata: dict[str, Any] | None, key: ModelKey) -> str | None:
    """None when the saved model fits ``key``; else why it does not."""
    if metadata is None:
        return "no saved model"
    for name, wanted in key.as_dict().items():
        if metadata.get(name) != wanted:
            return f"saved model has a different {name.replace('_', ' ')}"
    return None


def save_model(models_dir: Path, payload: dict[str, Any], metadata: dict[str, Any]) -> Path:
    """Write the pickle, then the metadata (the metadata marks the pair complete)."""
    path = models_dir / MODEL_FILE
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
    write_json_atomic(models_dir / METADATA_FILE, metadata)
    return path


def load_model(models_dir: Path) -> dict[str, Any]:
    with open(models_dir / MODEL_FILE, "rb") as handle:
        return pickle.load(handle)  # type: ignore[no-any-return]

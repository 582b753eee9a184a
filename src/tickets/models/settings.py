"""Typed settings of categorisation, built by the task layer from the composed config."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tickets.models.labels import RARE_LABEL

MODEL_NAMES = ("linear", "lightgbm", "neural", "ensemble", "all")
MEMBER_NAMES = ("linear", "lightgbm", "neural", "nbsvm")
REGISTRY_PREFIX = "ticket-categorizer"


@dataclass(frozen=True)
class EmbeddingSettings:
    cache_dir: Path | None = None
    max_seq_length: int = 128
    batch_size: int = 64


@dataclass(frozen=True)
class ModelSettings:
    """Which model to train (``name``), from which members, with which hyper-parameters."""

    name: str = "linear"
    members: tuple[str, ...] = ("linear",)
    target: str = "category"
    rare_min_count: int = 10
    rare_label: str = RARE_LABEL
    review_threshold: float = 0.5
    seed: int = 42
    max_chars: int = 4000
    validation_size: float = 0.15
    weight_step: float = 0.1
    weight_objective: str = "macro_f1"
    refit: bool = True
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    embeddings: EmbeddingSettings = field(default_factory=EmbeddingSettings)

    def __post_init__(self) -> None:
        if self.name not in MODEL_NAMES:
            raise ValueError(f"unknown model {self.name!r}; choose one of {MODEL_NAMES}")
        unknown = sorted(set(self.members) - set(MEMBER_NAMES))
        if unknown:
            raise ValueError(f"unknown members {unknown}; members are {MEMBER_NAMES}")
        if "linear" not in self.members:
            raise ValueError("members must include 'linear': it is the baseline of every run")
        if self.name in MEMBER_NAMES and self.name not in self.members:
            raise ValueError(f"model {self.name!r} must be one of its members {self.members}")
        if not 0 <= self.review_threshold <= 1:
            raise ValueError(f"review_threshold must be in [0, 1], got {self.review_threshold}")

    @property
    def outputs(self) -> tuple[str, ...]:
        """The models that get their own MLflow run; the last one is registered."""
        if self.name == "all":
            return (*self.members, "ensemble")
        return (self.name,)

    @property
    def registered_name(self) -> str:
        return registered_model_name(self.target)


def registered_model_name(target: str) -> str:
    return f"{REGISTRY_PREFIX}-{target}"


@dataclass(frozen=True)
class TrackingSettings:
    tracking_uri: str = "sqlite:///outputs/mlflow.db"
    experiment: str = "tickets"
    artifact_root: Path | None = None


@dataclass(frozen=True)
class TrainSettings:
    test_size: float = 0.2
    split: str = "auto"
    register: bool = True
    output_dir: Path = Path("outputs/models")

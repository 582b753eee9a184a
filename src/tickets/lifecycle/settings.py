"""Typed settings of the lifecycle command, built by ``tickets.tasks.retrain`` from the config.

Defaults live in ``conf/lifecycle/default.yaml``; the values below only serve tests and library
callers, and mirror that file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

SEVERITIES = ("low", "medium", "high", "critical")


@dataclass(frozen=True)
class GateThresholds:
    min_macro_f1_gain: float = 0.01
    max_class_f1_drop: float = 0.05
    min_class_support: int = 5
    max_recent_macro_f1_drop: float = 0.0
    max_latency_p95_ms: float = 250.0
    max_latency_ratio: float | None = 3.0
    max_ece: float = 0.15
    max_ece_increase: float | None = 0.03


@dataclass(frozen=True)
class DriverGate:
    enabled: bool = True
    min_r2: float = 0.0
    max_r2_drop: float = 0.05


@dataclass(frozen=True)
class DriftSettings:
    recent_days: int = 30
    reference_days: int = 90
    anchor: Literal["latest", "now"] = "latest"
    min_rows: int = 30
    numeric: tuple[str, ...] = (
        "resolution_hours",
        "first_response_hours",
        "reopened_count",
        "reassignment_count",
        "body_chars",
        "satisfaction_score",
    )
    categorical: tuple[str, ...] = ("channel", "priority", "queue", "product", "category")
    psi_threshold: float = 0.2
    ks_pvalue: float = 0.001
    chi2_pvalue: float = 0.001
    js_threshold: float = 0.1
    centroid_min_shift: float = 0.02
    centroid_noise_multiplier: float = 3.0
    prediction_js_threshold: float = 0.1
    review_rate_increase: float = 0.1
    max_texts: int = 2000
    seed: int = 42

    def __post_init__(self) -> None:
        if self.anchor not in ("latest", "now"):
            raise ValueError(f"lifecycle.drift.anchor={self.anchor!r}: choose latest or now")
        if self.recent_days <= 0 or self.reference_days <= 0:
            raise ValueError("lifecycle.recent_days and lifecycle.drift.reference_days must be > 0")


@dataclass(frozen=True)
class AlertSettings:
    webhook_url: str | None = None
    timeout_s: float = 5.0
    on_drift: bool = True
    on_anomalies: bool = True
    anomalies_dir: Path | None = None
    anomaly_min_severity: str = "high"

    def __post_init__(self) -> None:
        if self.anomaly_min_severity not in SEVERITIES:
            raise ValueError(
                f"lifecycle.alerts.anomaly_min_severity={self.anomaly_min_severity!r}: "
                f"choose one of {SEVERITIES}"
            )


@dataclass(frozen=True)
class LockSettings:
    path: Path = Path("outputs/lifecycle/retrain.lock")
    mode: Literal["exit", "wait"] = "exit"
    wait_timeout_s: float = 3600.0

    def __post_init__(self) -> None:
        if self.mode not in ("exit", "wait"):
            raise ValueError(f"lifecycle.lock.mode={self.mode!r}: choose exit or wait")


@dataclass(frozen=True)
class HoldoutSettings:
    fraction: float = 0.2
    salt: str = "tickets-holdout-v1"

    def __post_init__(self) -> None:
        if not 0 < self.fraction < 1:
            raise ValueError(f"lifecycle.holdout.fraction must be in (0, 1), got {self.fraction}")


@dataclass(frozen=True)
class LifecycleSettings:
    """Everything one retrain run needs, apart from the model/tracking/retrieval settings."""

    output_dir: Path = Path("outputs/lifecycle")
    targets: tuple[str, ...] = ("category",)
    dry_run: bool = False
    force: bool = False
    inbox: Path | None = None
    api_db: bool = False
    holdout: HoldoutSettings = field(default_factory=HoldoutSettings)
    recent_days: int = 30
    latency_samples: int = 50
    gate: GateThresholds = field(default_factory=GateThresholds)
    drivers: DriverGate = field(default_factory=DriverGate)
    index_enabled: bool = True
    keep_index_releases: int = 5
    drift: DriftSettings = field(default_factory=DriftSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    lock: LockSettings = field(default_factory=LockSettings)
    schedule: dict[str, str] = field(
        default_factory=lambda: {"retrain": "0 3 * * 1", "drift": "0 * * * *"}
    )

    def __post_init__(self) -> None:
        if not self.targets:
            raise ValueError(
                "lifecycle.targets is empty: list at least one target, e.g. [category]"
            )

    @property
    def runs_dir(self) -> Path:
        return self.output_dir / "runs"

    @property
    def drift_dir(self) -> Path:
        return self.output_dir / "drift"

    @property
    def history_path(self) -> Path:
        return self.output_dir / "history.json"

    @property
    def releases_dir(self) -> Path:
        return self.output_dir / "releases"


def plain(value: Any) -> Any:
    """Tuples for lists (frozen dataclasses hold tuples)."""
    return tuple(value) if isinstance(value, list) else value

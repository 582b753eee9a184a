"""Typed settings of the analytics bundle, built from the composed config by the task."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tickets.analytics.business_time import BusinessCalendar

Clock = Literal["business", "calendar"]


@dataclass(frozen=True)
class SlaTarget:
    """Targets of one priority, in hours of the SLA clock (None: no target)."""

    first_response_hours: float | None
    resolution_hours: float | None


@dataclass(frozen=True)
class SlaSettings:
    """Fallback SLA policy used where the warehouse has no sla_policies row."""

    clock: Clock
    calendar: BusinessCalendar
    targets: dict[str, SlaTarget]


@dataclass(frozen=True)
class EngineSettings:
    name: Literal["duckdb", "pyspark"] = "duckdb"
    threads: int | None = None
    memory_limit: str | None = None
    master: str = "local[*]"
    driver_memory: str = "4g"
    shuffle_partitions: int = 8
    spark_conf: dict[str, str] = field(default_factory=dict)  # extra spark.* settings


@dataclass(frozen=True)
class DriverSettings:
    """The satisfaction driver model: when to train it and how hard to look."""

    min_responses: int = 200
    bootstrap_rounds: int = 30
    max_training_rows: int = 200_000
    holdout_fraction: float = 0.2
    num_boost_round: int = 300
    learning_rate: float = 0.05
    num_leaves: int = 31
    min_data_in_leaf: int = 40
    threads: int = 1  # OpenMP threads; more than one spins badly on a shared, busy machine
    seed: int = 42

    def params(self) -> dict[str, Any]:
        """The hyperparameters that decide whether a saved model is compatible."""
        return {
            "num_boost_round": self.num_boost_round,
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_data_in_leaf,
            "max_training_rows": self.max_training_rows,
            "holdout_fraction": self.holdout_fraction,
            "seed": self.seed,
        }


@dataclass(frozen=True)
class AnalyticsSettings:
    warehouse: Path
    outputs_root: Path
    models_dir: Path
    sla: SlaSettings
    engine: EngineSettings = field(default_factory=EngineSettings)
    drivers: DriverSettings = field(default_factory=DriverSettings)
    reporting_timezone: str = "UTC"
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    window_days: int = 30
    agent_ids: tuple[str, ...] = ()
    output_dir: Path | None = None
    dry_run: bool = False
    refresh_models: bool = False
    satisfied_threshold: float = 4.0
    csat_scale: tuple[float, float] = (1.0, 5.0)
    anomalies: str | None = "auto"  # a path, "auto" (newest outputs/anomalies run) or None
    resolved_config: dict[str, Any] = field(default_factory=dict)

"""Typed settings of the anomaly detectors; the task builds them from conf/anomaly/default.yaml.

The defaults here mirror the YAML so tests can build settings without Hydra; the YAML is where
users change them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FAMILIES = ("overall", "queue", "product", "category", "channel", "segment")
DETECTORS = ("volume", "emerging", "sentiment", "retrieval_failures")


@dataclass(frozen=True)
class VolumeSettings:
    families: tuple[str, ...] = FAMILIES
    baseline_days: int = 28
    min_history_days: int = 21
    max_values: int = 40
    min_series_tickets: int = 200
    min_count: int = 10
    min_ratio: float = 1.8
    drop_ratio: float = 0.45
    min_expected_drop: float = 15.0
    fdr: float = 0.001
    hourly: bool = True
    hourly_min_count: int = 15
    hourly_min_ratio: float = 3.0
    profile_shrinkage: float = 20.0

    def __post_init__(self) -> None:
        unknown = sorted(set(self.families) - set(FAMILIES))
        if unknown:
            raise ValueError(f"anomaly.volume.families: unknown {unknown}; choose from {FAMILIES}")
        if self.min_history_days > self.baseline_days:
            raise ValueError(
                f"anomaly.volume.min_history_days={self.min_history_days} exceeds "
                f"baseline_days={self.baseline_days}; lower it or widen the baseline"
            )


@dataclass(frozen=True)
class EmergingSettings:
    body_chars: int = 0
    code_chars: int = 400
    baseline_days: int = 56
    recent_days: int = 7
    min_docs: int = 12
    min_active_days: int = 3
    min_ratio: float = 4.0
    fdr: float = 0.0001
    max_terms: int = 40_000
    min_term_chars: int = 3
    cluster_overlap: float = 0.5
    gap_max_kb_coverage: float = 0.34
    gap_max_cited_share: float = 0.2
    launch_grace_days: int = 56


@dataclass(frozen=True)
class SentimentSettings:
    text_chars: int = 60
    families: tuple[str, ...] = ("queue", "product")
    baseline_days: int = 56
    min_history_days: int = 21
    min_daily_tickets: int = 2
    penalty: float = 3.0
    min_segment_days: int = 3
    transient_days: int = 28
    changepoint_engine: str = "fast"
    vader_min_delta: float = 0.15
    csat_min_delta: float = 0.6
    fdr: float = 0.0001
    workers: int = 2
    cache_dir: Path = Path("outputs/cache/sentiment")


@dataclass(frozen=True)
class RetrievalFailureSettings:
    failure_log: Path | None = None
    feedback_log: Path | None = None
    negative_feedback: tuple[str, ...] = (
        "not_helpful",
        "unhelpful",
        "wrong",
        "incorrect",
        "thumbs_down",
        "negative",
        "rejected",
    )
    baseline_days: int = 28
    recent_days: int = 7
    min_events: int = 5
    min_ratio: float = 3.0
    fdr: float = 0.01


@dataclass(frozen=True)
class AnomalySettings:
    warehouse: Path
    outputs_root: Path = Path("outputs")
    output_dir: Path | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    timezone: str = "UTC"
    detectors: tuple[str, ...] = DETECTORS
    holidays: tuple[dt.date, ...] = ()
    use_warehouse_holidays: bool = True
    examples: int = 5
    baselines_dir: Path | None = None
    incremental: bool = True
    refit_days: int = 28
    volume: VolumeSettings = field(default_factory=VolumeSettings)
    emerging: EmergingSettings = field(default_factory=EmergingSettings)
    sentiment: SentimentSettings = field(default_factory=SentimentSettings)
    retrieval: RetrievalFailureSettings = field(default_factory=RetrievalFailureSettings)
    resolved_config: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.detectors) - set(DETECTORS))
        if unknown:
            raise ValueError(f"anomaly.detectors: unknown {unknown}; choose from {DETECTORS}")
        if self.start_date and self.end_date and self.start_date > self.end_date:
            raise ValueError(
                f"--start-date {self.start_date} is after --end-date {self.end_date}; swap them"
            )

    def fingerprint_settings(self) -> dict[str, Any]:
        """The settings that decide whether stored baselines can be reused."""
        return {
            "timezone": self.timezone,
            "volume": _plain(self.volume),
            "emerging": _plain(self.emerging),
            "sentiment": {k: v for k, v in _plain(self.sentiment).items() if k != "workers"},
            "holidays": sorted(str(d) for d in self.holidays),
            "use_warehouse_holidays": self.use_warehouse_holidays,
        }


def _plain(obj: object) -> dict[str, Any]:
    from dataclasses import asdict

    return {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(obj).items()}  # type: ignore[call-overload]

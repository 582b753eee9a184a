"""Prometheus gauges of the model lifecycle, read from the files ``retrain`` writes.

Register it once on the service's registry (``registry.register(LifecycleCollector(...))``);
each scrape reads three small JSON files, so every API replica and worker reports the same
values without sharing memory:

- ``<lifecycle>/drift/latest.json``: the newest drift report → ``tickets_drift_*``
- ``<models>/CHAMPION``: the champion marker → ``tickets_champion_*``
- ``<lifecycle>/last_run.json``: the last retrain → ``tickets_retrain_last_run_*``

A missing file yields no samples for its gauges (absent series, not zeros), so alert rules use
``absent()`` where silence matters.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tickets.utils import metric_names as names
from tickets.utils.champion import read_champion_marker

DRIFT_LATEST = Path("drift") / "latest.json"
LAST_RUN = "last_run.json"
NUMERIC_STATISTICS = ("psi", "ks", "js_distance", "centroid_cosine_distance", "increase")


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _epoch(text: object) -> float | None:
    if not text:
        return None
    try:
        stamp = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)).timestamp()


class LifecycleCollector:
    def __init__(self, lifecycle_dir: str | Path, models_dir: str | Path) -> None:
        self.lifecycle_dir = Path(lifecycle_dir)
        self.models_dir = Path(models_dir)

    def describe(self) -> list[Any]:
        return []  # collected lazily: the files may not exist yet

    def collect(self) -> Iterator[Any]:
        yield from self._drift()
        yield from self._champion()
        yield from self._last_run()

    def _drift(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        report = _read(self.lifecycle_dir / DRIFT_LATEST)
        if report is None:
            return
        yield GaugeMetricFamily(
            names.DRIFT_FLAGGED,
            "Newest drift report flagged drift.",
            value=1.0 if report.get("flagged") else 0.0,
        )
        flagged = GaugeMetricFamily(
            names.DRIFT_CHECK_FLAGGED, "Drift check flagged.", labels=["check", "kind"]
        )
        statistic = GaugeMetricFamily(
            names.DRIFT_STATISTIC, "Drift statistic of a check.", labels=["check", "statistic"]
        )
        for check in report.get("checks", []):
            name = str(check.get("name"))
            flagged.add_metric([name, str(check.get("kind"))], 1.0 if check.get("flagged") else 0.0)
            for key, value in (check.get("statistics") or {}).items():
                if key in NUMERIC_STATISTICS and isinstance(value, int | float):
                    statistic.add_metric([name, key], float(value))
        yield flagged
        yield statistic
        stamp = _epoch(report.get("created_at"))
        if stamp is not None:
            yield GaugeMetricFamily(
                names.DRIFT_REPORT_TIMESTAMP, "When the drift report ran.", value=stamp
            )

    def _champion(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        marker = read_champion_marker(self.models_dir)
        if marker is None:
            return
        stamp = _epoch(marker.get("updated_at"))
        if stamp is not None:
            yield GaugeMetricFamily(
                names.CHAMPION_UPDATED_TIMESTAMP, "When the champion last changed.", value=stamp
            )
        versions = GaugeMetricFamily(
            names.CHAMPION_VERSION, "Champion version per model.", labels=["model"]
        )
        for model, version in (marker.get("models") or {}).items():
            if str(version).isdigit():
                versions.add_metric([str(model)], float(version))
        yield versions

    def _last_run(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        last = _read(self.lifecycle_dir / LAST_RUN)
        if last is None:
            return
        stamp = _epoch(last.get("finished_at"))
        if stamp is not None:
            yield GaugeMetricFamily(
                names.RETRAIN_LAST_RUN_TIMESTAMP, "When the last retrain finished.", value=stamp
            )
        yield GaugeMetricFamily(
            names.RETRAIN_LAST_RUN_SUCCESS,
            "Last retrain succeeded.",
            value=1.0 if last.get("status") == "ok" else 0.0,
        )

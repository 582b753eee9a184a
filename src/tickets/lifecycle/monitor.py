"""Drift monitoring: compute the report, write it, publish ``latest.json`` for the service's
gauges, and alert (drift, plus the newest anomaly run's severe findings)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tickets.lifecycle.alerts import (
    Delivery,
    anomaly_alerts,
    drift_alert,
    newest_anomalies_file,
    remember_sent,
    send_alerts,
    unsent,
)
from tickets.lifecycle.drift import DriftReport, EmbedFn, PredictFn, drift_report
from tickets.lifecycle.reporting import DRIFT_JSON, write_drift_report
from tickets.lifecycle.settings import LifecycleSettings
from tickets.utils.logging import get_logger

log = get_logger(__name__)
LATEST = "latest.json"


@dataclass
class DriftOutcome:
    report: DriftReport
    folder: Path
    delivery: Delivery


def champion_predictor(classifier: object) -> PredictFn:
    """The champion's predictions (predicted, needs_review) for the prediction-shift checks."""
    from tickets.models.predict import predict_tickets

    def predict(frame: pd.DataFrame) -> pd.DataFrame:
        return predict_tickets(classifier, frame)  # type: ignore[arg-type]

    return predict


def monitor_drift(
    frame: pd.DataFrame,
    settings: LifecycleSettings,
    folder: Path,
    embed: EmbedFn | None = None,
    predict: PredictFn | None = None,
    send: Callable[..., Delivery] = send_alerts,
) -> DriftOutcome:
    report = drift_report(frame, settings.drift, embed=embed, predict=predict)
    path = write_drift_report(folder, report)
    settings.drift_dir.mkdir(parents=True, exist_ok=True)
    latest = settings.drift_dir / LATEST
    tmp = latest.with_name(f".{LATEST}.tmp")
    shutil.copyfile(path, tmp)
    tmp.replace(latest)
    alerts = []
    if settings.alerts.on_drift:
        alert = drift_alert(report, folder / DRIFT_JSON)
        alerts += [alert] if alert else []
    anomalies = newest_anomalies_file(settings.alerts.anomalies_dir)
    if settings.alerts.on_anomalies and anomalies is not None:
        found = anomaly_alerts(anomalies, settings.alerts.anomaly_min_severity)
        alerts += unsent(found, settings.output_dir)
    delivery = send(alerts, settings.alerts)
    remember_sent(delivery.delivered, settings.output_dir)
    return DriftOutcome(report, folder, delivery)

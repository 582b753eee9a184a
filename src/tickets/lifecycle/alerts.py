"""Alerts: a JSON POST to a configurable webhook, for drift and for anomalies.

Payload (one alert per request)::

    {"source": "tickets", "kind": "drift" | "anomaly", "severity": "...", "title": "...",
     "summary": "...", "details": {...}, "report": "<path>", "sent_at": "<ISO 8601>"}

Slack/Teams-style receivers accept it through their generic-webhook adapters; Alertmanager's
webhook receivers post the other way round (Prometheus rules cover the service side). A failed
POST is logged and counted, never fatal: the report on disk stays the source of truth.
Anomaly alerts are deduplicated by anomaly id in ``sent_alerts.json``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tickets.lifecycle.drift import DriftReport
from tickets.lifecycle.settings import SEVERITIES, AlertSettings
from tickets.utils.io import write_json_atomic
from tickets.utils.logging import get_logger
from tickets.utils.timeutil import utc_now

log = get_logger(__name__)
SENT_FILE = "sent_alerts.json"


@dataclass
class Alert:
    kind: str  # drift | anomaly
    severity: str
    title: str
    summary: str
    details: dict[str, Any] = field(default_factory=dict)
    report: str | None = None
    key: str = ""  # deduplication key (anomaly id); not sent

    def payload(self) -> dict[str, Any]:
        body = {k: v for k, v in asdict(self).items() if k != "key"}
        return {"source": "tickets", **body, "sent_at": utc_now().isoformat(timespec="seconds")}


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0
    skipped: int = 0  # no webhook configured, or already sent
    errors: list[str] = field(default_factory=list)
    delivered: list[Alert] = field(default_factory=list)


def post_json(url: str, payload: dict[str, Any], timeout_s: float) -> int:
    """POST ``payload`` as JSON; returns the HTTP status (raises on network errors and >= 400)."""
    data = json.dumps(payload, default=str).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "tickets-lifecycle/1"},
    )
    with urllib.request.urlopen(request, timeout=timeout_s) as response:
        return int(response.status)


def send_alerts(alerts: Iterable[Alert], settings: AlertSettings) -> Delivery:
    delivery = Delivery()
    for alert in alerts:
        if not settings.webhook_url:
            log.warning("alert (no webhook configured): %s: %s", alert.title, alert.summary)
            delivery.skipped += 1
            continue
        try:
            post_json(settings.webhook_url, alert.payload(), settings.timeout_s)
            delivery.sent += 1
            delivery.delivered.append(alert)
        except (urllib.error.URLError, OSError, ValueError) as err:
            delivery.failed += 1
            delivery.errors.append(f"{alert.title}: {err}")
            log.error(
                "could not deliver alert %r to %s: %s", alert.title, settings.webhook_url, err
            )
    return delivery


def drift_alert(report: DriftReport, report_path: Path | None = None) -> Alert | None:
    """One alert naming every flagged check; None when nothing drifted."""
    flagged = report.flagged_checks
    if not flagged:
        return None
    names = ", ".join(c.name for c in flagged)
    severity = "high" if any(c.kind in ("prediction", "review_rate") for c in flagged) else "medium"
    return Alert(
        kind="drift",
        severity=severity,
        title=f"Data drift: {len(flagged)} check(s) flagged",
        summary=f"Recent intake differs from the training window on: {names}. "
        "Run 'python main.py retrain' (or wait for the scheduled run); see the report.",
        details={
            "checks": {c.name: c.reason for c in flagged},
            "reference": report.reference,
            "current": report.current,
        },
        report=str(report_path) if report_path else None,
    )


def newest_anomalies_file(anomalies_dir: Path | None) -> Path | None:
    if anomalies_dir is None or not Path(anomalies_dir).is_dir():
        return None
    runs = sorted(Path(anomalies_dir).glob("*/anomalies.json"))
    return runs[-1] if runs else None


def anomaly_alerts(path: Path, min_severity: str) -> list[Alert]:
    """Alerts for the anomalies in an ``anomalies.json`` at or above ``min_severity``."""
    payload = json.loads(path.read_text(encoding="utf-8"))
    items = payload.get("anomalies", []) if isinstance(payload, dict) else payload
    floor = SEVERITIES.index(min_severity)
    alerts = []
    for item in items if isinstance(items, list) else []:
        severity = str(item.get("severity", "low"))
        if severity not in SEVERITIES or SEVERITIES.index(severity) < floor:
            continue
        where = f"{item.get('dimension', '')}={item.get('value', '')}"
        alerts.append(
            Alert(
                kind="anomaly",
                severity=severity,
                title=f"Anomaly: {item.get('type', 'anomaly')} on {where}",
                summary=str(
                    item.get("explanation") or f"{item.get('type')} from {item.get('start')}"
                ),
                details={
                    k: item.get(k)
                    for k in (
                        "id",
                        "type",
                        "dimension",
                        "value",
                        "start",
                        "end",
                        "observed",
                        "expected",
                        "score",
                        "example_ticket_ids",
                    )
                },
                report=str(path),
                key=str(item.get("id") or f"{item.get('type')}|{where}|{item.get('start')}"),
            )
        )
    return alerts


def unsent(alerts: list[Alert], state_dir: Path) -> list[Alert]:
    """The alerts whose key was never delivered before (alerts without a key always pass)."""
    sent = _sent_keys(state_dir)
    return [a for a in alerts if not a.key or a.key not in sent]


def remember_sent(alerts: list[Alert], state_dir: Path) -> None:
    keys = _sent_keys(state_dir) | {a.key for a in alerts if a.key}
    write_json_atomic(state_dir / SENT_FILE, sorted(keys))


def _sent_keys(state_dir: Path) -> set[str]:
    path = state_dir / SENT_FILE
    if not path.is_file():
        return set()
    try:
        return set(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError):
        return set()

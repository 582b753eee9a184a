"""Alerts are JSON POSTs, checked against a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import json

from tickets.lifecycle.alerts import (
    Alert,
    anomaly_alerts,
    drift_alert,
    newest_anomalies_file,
    remember_sent,
    send_alerts,
    unsent,
)
from tickets.lifecycle.drift import DriftCheck, DriftReport
from tickets.lifecycle.settings import AlertSettings


def report(flagged: bool) -> DriftReport:
    check = DriftCheck(
        "channel",
        "categorical",
        flagged,
        {"js_distance": 0.4},
        "JS distance 0.400 ≥ 0.1" if flagged else "",
    )
    return DriftReport("2024-05-01T00:00:00+00:00", {"tickets": 100}, {"tickets": 50}, [check])


def test_drift_alert_is_posted_as_json(receiver, tmp_path):
    state, url = receiver
    alert = drift_alert(report(True), tmp_path / "drift.json")
    delivery = send_alerts([alert], AlertSettings(webhook_url=url))
    assert (delivery.sent, delivery.failed) == (1, 0)
    path, headers, payload = state.requests[0]
    assert path == "/hooks/tickets"
    assert headers["Content-Type"] == "application/json"
    assert payload["source"] == "tickets" and payload["kind"] == "drift"
    assert payload["details"]["checks"] == {"channel": "JS distance 0.400 ≥ 0.1"}
    assert payload["report"].endswith("drift.json")


def test_no_alert_when_nothing_drifted():
    assert drift_alert(report(False)) is None


def test_a_refusing_receiver_is_counted_not_raised(receiver):
    state, url = receiver
    state.status = 500
    delivery = send_alerts([Alert("drift", "high", "t", "s")], AlertSettings(webhook_url=url))
    assert (delivery.sent, delivery.failed) == (0, 1)
    assert "500" in delivery.errors[0]


def test_unreachable_webhook_is_counted_not_raised():
    settings = AlertSettings(webhook_url="http://127.0.0.1:9/nothing-listens", timeout_s=1)
    assert send_alerts([Alert("drift", "high", "t", "s")], settings).failed == 1


def test_without_a_webhook_alerts_are_only_logged():
    assert send_alerts([Alert("drift", "high", "t", "s")], AlertSettings()).skipped == 1


def test_anomaly_alerts_keep_the_severe_ones_and_are_sent_once(receiver, tmp_path):
    state, url = receiver
    run = tmp_path / "anomalies" / "20240501T000000Z"
    run.mkdir(parents=True)
    items = [
        {
            "id": "a1",
            "type": "volume_spike",
            "dimension": "product",
            "value": "Router-X",
            "severity": "critical",
            "explanation": "4x the usual Router-X tickets",
        },
        {
            "id": "a2",
            "type": "sentiment_drop",
            "dimension": "queue",
            "value": "Billing",
            "severity": "medium",
        },
    ]
    (run / "anomalies.json").write_text(json.dumps({"schema_version": 1, "anomalies": items}))
    path = newest_anomalies_file(tmp_path / "anomalies")
    alerts = anomaly_alerts(path, "high")
    assert [a.title for a in alerts] == ["Anomaly: volume_spike on product=Router-X"]
    delivery = send_alerts(unsent(alerts, tmp_path), AlertSettings(webhook_url=url))
    remember_sent(delivery.delivered, tmp_path)
    assert unsent(anomaly_alerts(path, "high"), tmp_path) == []
    assert len(state.requests) == 1
    assert state.requests[0][2]["details"]["id"] == "a1"

"""Anomalies from an anomalies.json: only those overlapping the window; end instants exclusive."""

from __future__ import annotations

import datetime as dt
import json

from tickets.analytics.anomaly_feed import find_anomalies_file, load_anomalies
from tickets.analytics.windows import ReportWindow

WINDOW = ReportWindow(dt.date(2024, 3, 1), dt.date(2024, 3, 31), "UTC")


def test_anomalies_overlapping_the_window_are_kept(tmp_path):
    path = tmp_path / "anomalies.json"
    path.write_text(
        json.dumps(
            {
                "anomalies": [
                    {
                        "type": "volume_spike",
                        "dimension": "product",
                        "value": "Router-X",
                        "start": "2024-03-04T00:00:00Z",
                        "end": "2024-03-07T00:00:00Z",
                    },
                    {
                        "type": "sentiment_drop",
                        "dimension": "queue",
                        "value": "Billing",
                        "start": "2024-02-01",
                        "end": "2024-02-10",
                    },
                    "not an anomaly",
                ]
            }
        )
    )
    found, problem = load_anomalies(path, WINDOW)
    assert problem is None
    assert [(a.label, a.start, a.end) for a in found] == [
        ("volume_spike: product=Router-X", dt.date(2024, 3, 4), dt.date(2024, 3, 6))
    ]


def test_unusable_file_is_reported_not_raised(tmp_path):
    path = tmp_path / "anomalies.json"
    path.write_text('{"anomalies": 3}')
    assert (
        load_anomalies(path, WINDOW)[1]
        == f"{path}: expected a list of anomalies (or an object with 'anomalies')"
    )
    assert load_anomalies(tmp_path / "nope.json", WINDOW)[1].endswith("does not exist")


def test_auto_picks_the_newest_run_of_this_warehouse(tmp_path):
    outputs, warehouse = tmp_path / "outputs", tmp_path / "wh"
    for stamp, recorded in (
        ("20240101T000000Z", warehouse),
        ("20240201T000000Z", tmp_path / "other"),
    ):
        run = outputs / "anomalies" / stamp
        run.mkdir(parents=True)
        (run / "anomalies.json").write_text(
            json.dumps({"warehouse": str(recorded), "anomalies": []})
        )
    found = find_anomalies_file("auto", outputs, warehouse)
    assert found == outputs / "anomalies" / "20240101T000000Z" / "anomalies.json"
    assert find_anomalies_file(None, outputs, warehouse) is None

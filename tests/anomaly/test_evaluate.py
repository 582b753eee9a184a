"""Matching detections to planted anomalies, and false alarms per family."""

from __future__ import annotations

import pytest

from tickets.anomaly.evaluate import dimension_family, evaluate_detections, false_alarm_rates

PLANTED = [
    {"type": "volume_spike", "dimension": "product", "value": "Router-X",
     "start": "2024-04-19T00:00:00Z", "end": "2024-04-22T00:00:00Z"},
    {"type": "emerging_issue", "dimension": "issue", "value": "cloudsync-journal-loop",
     "error_code": "E4711", "start": "2024-08-14T00:00:00Z", "end": "2024-09-04T00:00:00Z"},
    {"type": "kb_gap", "dimension": "issue", "value": "securevpn-split-tunnel-crash",
     "error_code": "V-3090", "start": "2024-10-19T00:00:00Z", "end": "2024-12-31T00:00:00Z"},
]  # fmt: skip


def _detection(kind: str, value: str, start: str, **extra: object) -> dict[str, object]:
    dimension = extra.pop("dimension", "topic")
    return {"type": kind, "dimension": dimension, "value": value, "start": start, **extra}


def test_matches_within_the_start_tolerance_only():
    detections = [
        _detection("volume_spike", "Router-X", "2024-04-20T00:00:00Z", dimension="product"),
        _detection("emerging_issue", "journal corrupted", "2024-08-20T00:00:00Z",
                   details={"terms": ["error e4711"]}),  # 6 days late: outside ±3
    ]  # fmt: skip
    result = evaluate_detections(PLANTED, detections, tolerance_days=3)
    report = result.report()
    assert report["volume_spike"] == {
        "precision": 1.0, "recall": 1.0, "f1": 1.0,
        "planted": 1, "detected": 1, "matched": 1, "false_positives": 0,
    }  # fmt: skip
    assert report["emerging_issue"]["recall"] == 0.0
    assert report["emerging_issue"]["precision"] == 0.0
    assert report["kb_gap"]["precision"] is None and report["kb_gap"]["recall"] == 0.0
    assert result.matches[0]["start_offset_days"] == 1.0


def test_the_wrong_product_does_not_match():
    detections = [
        _detection("volume_spike", "SecureVPN", "2024-04-19T00:00:00Z", dimension="product")
    ]
    report = evaluate_detections(PLANTED, detections, 3).report()
    assert report["volume_spike"]["matched"] == 0


def test_topics_match_by_their_example_tickets_issue():
    detections = [_detection("kb_gap", "split / tunnel", "2024-10-19T00:00:00Z",
                             example_ticket_ids=["A", "B", "C"])]  # fmt: skip

    def issue_of(ids: list[str]) -> dict[str, str]:
        return {"A": "securevpn-split-tunnel-crash", "B": "securevpn-split-tunnel-crash", "C": "x"}

    assert evaluate_detections(PLANTED, detections, 3, issue_of).report()["kb_gap"]["matched"] == 1
    assert evaluate_detections(PLANTED, detections, 3, None).report()["kb_gap"]["matched"] == 0


def test_a_duplicate_alarm_is_a_false_positive():
    detections = [
        _detection("volume_spike", "Router-X", "2024-04-19T00:00:00Z", dimension="product"),
        _detection("volume_spike", "Router-X", "2024-04-21T00:00:00Z", dimension="product"),
    ]
    report = evaluate_detections(PLANTED, detections, 3).report()["volume_spike"]
    assert (report["matched"], report["false_positives"], report["precision"]) == (1, 1, 0.5)
    assert report["f1"] == pytest.approx(2 * 0.5 * 1 / 1.5, abs=1e-4)  # rounded to 4 places


def test_false_alarms_per_90_days_per_family():
    detections = [
        {"type": "volume_spike", "dimension": "queue"},
        {"type": "volume_drop", "dimension": "queue"},
        {"type": "sentiment_rise", "dimension": "product"},
        {"type": "kb_gap", "dimension": "topic"},
    ]
    assert dimension_family(detections[2]) == "sentiment/product"
    # 2 queue alarms in 180 days = 1 per 90 days
    assert false_alarm_rates(detections, scanned_days=180) == {
        "kb_gap": 0.5, "sentiment/product": 0.5, "volume/queue": 1.0,
    }  # fmt: skip

"""/v1/analytics/summary on hand-made tickets, and /v1/anomalies from the newest run."""

from __future__ import annotations

import json


def _post(service, body: str, created_at: str, **fields) -> str:  # type: ignore[no-untyped-def]
    payload = {"body": body, "created_at": created_at, **fields}
    return service.client.post("/v1/tickets", json=payload, headers=service.auth()).json()[
        "ticket_id"
    ]


def test_summary_counts_a_hand_made_window(service):
    # In the window 2024-03-01..2024-03-02: three tickets (two billing at 0.9, one connectivity
    # at 0.4 that needs review), one of them resolved 6 h after creation; one correction.
    a = _post(service, "charged twice", "2024-03-01T08:00:00Z", channel="email", priority="high")
    _post(service, "charged again", "2024-03-02T23:30:00Z", channel="chat")
    c = _post(service, "wifi drops", "2024-03-02T09:00:00Z", channel="email")
    _post(service, "charged in April", "2024-04-01T10:00:00Z")  # outside the window
    service.client.post(
        f"/v1/tickets/{a}/resolve",
        headers=service.auth(),
        json={"resolution": "voided", "resolved_at": "2024-03-01T14:00:00Z"},
    )
    service.client.post(
        f"/v1/tickets/{c}/feedback",
        headers=service.auth(),
        json={"kind": "category_corrected", "category": "Billing"},
    )
    response = service.client.get(
        "/v1/analytics/summary",
        params={"start": "2024-03-01", "end": "2024-03-02"},
        headers=service.auth("reader"),
    )
    assert response.status_code == 200
    summary = response.json()
    assert (summary["received"], summary["resolved"], summary["open"]) == (3, 1, 2)
    assert summary["pending_enrichment"] == 0
    assert summary["needs_review_rate"] == round(1 / 3, 4)
    assert summary["mean_confidence"] == round((0.9 + 0.9 + 0.4) / 3, 4)
    assert summary["median_resolution_hours"] == 6.0
    # the correction counts: all three are Billing now
    assert summary["by_category"] == [{"key": "Billing", "count": 3}]
    assert summary["by_channel"] == [{"key": "email", "count": 2}, {"key": "chat", "count": 1}]
    assert summary["by_priority"] == [{"key": "(none)", "count": 2}, {"key": "high", "count": 1}]
    assert summary["feedback"]["category_corrected"] == 0  # the feedback was given today


def test_summary_rejects_an_inverted_window(service):
    response = service.client.get(
        "/v1/analytics/summary",
        params={"start": "2024-03-02", "end": "2024-03-01"},
        headers=service.auth(),
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["query", "start"],
            "msg": "start 2024-03-02 is after end 2024-03-01",
            "type": "value_error",
        }
    ]


def test_anomalies_come_from_the_newest_run(service):
    folder = service.settings.resolved_anomalies_dir
    (folder / "20240101T000000Z").mkdir(parents=True)
    (folder / "20240101T000000Z" / "anomalies.json").write_text(json.dumps([{"type": "old"}]))
    (folder / "20240301T000000Z").mkdir(parents=True)
    (folder / "20240301T000000Z" / "anomalies.json").write_text(
        json.dumps(
            {
                "anomalies": [
                    {
                        "type": "volume_spike",
                        "dimension": "product",
                        "value": "Router-X",
                        "start": "2024-03-04",
                        "end": "2024-03-07",
                    },
                    {
                        "type": "kb_gap",
                        "dimension": "issue",
                        "value": "I-7",
                        "start": "2024-03-01",
                        "end": "2024-03-09",
                    },
                ]
            }
        )
    )
    response = service.client.get("/v1/anomalies", headers=service.auth("reader"))
    body = response.json()
    assert body["source"].endswith("20240301T000000Z/anomalies.json")
    assert [a["type"] for a in body["anomalies"]] == ["volume_spike", "kb_gap"]
    only = service.client.get("/v1/anomalies", params={"type": "kb_gap"}, headers=service.auth())
    assert [a["value"] for a in only.json()["anomalies"]] == ["I-7"]


def test_no_anomaly_run_yet_is_an_empty_list(service):
    body = service.client.get("/v1/anomalies", headers=service.auth()).json()
    assert body == {"source": None, "anomalies": []}

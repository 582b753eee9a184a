"""``python main.py anomalies`` and ``evaluate --task anomalies`` end to end on tiny warehouses."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow.parquet as pq
import pytest

from tickets.cli import main

from .handmade import daily_tickets, write_warehouse

DAYS = 60


@pytest.fixture
def spiky_warehouse(tmp_path):
    """40 tickets a day in two queues for 60 days; 60 extra Billing tickets on 2024-02-20."""
    rows = daily_tickets([20] * DAYS, prefix="B", queue="Billing")
    rows += daily_tickets([20] * DAYS, prefix="T", queue="Tech")
    rows += daily_tickets([60], start=dt.date(2024, 2, 20), prefix="S", queue="Billing")
    return write_warehouse(tmp_path / "wh", rows).root


def _run(tmp_path, warehouse, out, *flags):
    return main(["anomalies", "--warehouse", str(warehouse), "--output-dir", str(out), *flags,
                 f"anomaly.baselines_dir={tmp_path / 'baselines'}",
                 f"anomaly.sentiment.cache_dir={tmp_path / 'cache'}",
                 f"anomaly.retrieval_failures.failure_log={tmp_path / 'none.jsonl'}"])  # fmt: skip


def test_command_writes_json_parquet_report_and_manifest(tmp_path, spiky_warehouse):
    out = tmp_path / "run"
    assert _run(tmp_path, spiky_warehouse, out) == 0
    payload = json.loads((out / "anomalies.json").read_text())
    assert payload["schema_version"] == 1
    assert payload["counts"] == {"volume_spike": 1}
    spike = payload["anomalies"][0]
    assert {k: spike[k] for k in ("type", "dimension", "value", "start", "end")} == {
        "type": "volume_spike", "dimension": "queue", "value": "Billing",
        "start": "2024-02-20T00:00:00Z", "end": "2024-02-21T00:00:00Z",
    }  # fmt: skip
    for field in ("observed", "expected", "expected_sd", "score", "severity", "explanation",
                  "example_ticket_ids", "local_start", "local_end", "q_value"):  # fmt: skip
        assert field in spike
    table = pq.read_table(out / "anomalies.parquet")
    assert table.num_rows == 1 and table.column("value").to_pylist() == ["Billing"]
    assert (out / "kb_gap_report.md").read_text().startswith("# KB gap report")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["command"] == "anomalies" and manifest["row_counts"]["anomalies.json"] == 1
    assert any("no ticket text" in n for n in payload["notes"])


def test_second_window_reuses_the_stored_baselines(tmp_path, spiky_warehouse):
    first = tmp_path / "first"
    assert _run(tmp_path, spiky_warehouse, first, "--end-date", "2024-02-15") == 0
    assert json.loads((first / "anomalies.json").read_text())["anomalies"] == []
    second = tmp_path / "second"
    assert _run(tmp_path, spiky_warehouse, second, "--start-date", "2024-02-16") == 0
    payload = json.loads((second / "anomalies.json").read_text())
    assert payload["incremental"] is True
    # only three days before the stored end were read again from the warehouse
    assert payload["window"]["read_from"] == "2024-02-13"
    spike = payload["anomalies"][0]
    full = tmp_path / "full"
    assert _run(tmp_path, spiky_warehouse, full, "anomaly.incremental=false") == 0
    again = json.loads((full / "anomalies.json").read_text())["anomalies"][0]
    assert (spike["value"], spike["start"], spike["observed"], spike["expected"]) == (
        again["value"], again["start"], again["observed"], again["expected"],
    )  # fmt: skip


def test_short_history_is_said_plainly(tmp_path, capsys):
    root = write_warehouse(tmp_path / "wh", daily_tickets([30] * 8, queue="Billing")).root
    assert _run(tmp_path, root, tmp_path / "run") == 0
    printed = capsys.readouterr().out
    assert "not enough history" in printed
    payload = json.loads((tmp_path / "run" / "anomalies.json").read_text())
    assert payload["anomalies"] == [] and payload["not_enough_history"]


def test_window_after_the_data_is_an_error_with_a_hint(tmp_path, spiky_warehouse, capsys):
    assert _run(tmp_path, spiky_warehouse, tmp_path / "run", "--start-date", "2025-01-01") == 2
    assert "after the last ticket (2024-02-29)" in capsys.readouterr().out


def test_evaluate_scores_a_detections_file(tmp_path, spiky_warehouse):
    truth = tmp_path / "ground_truth.json"
    truth.write_text(json.dumps({"anomalies": [
        {"type": "volume_spike", "dimension": "queue", "value": "Billing",
         "start": "2024-02-20T00:00:00Z", "end": "2024-02-21T00:00:00Z"}]}))  # fmt: skip
    run_dir = tmp_path / "run"
    assert _run(tmp_path, spiky_warehouse, run_dir) == 0
    out = tmp_path / "eval"
    code = main(["evaluate", "--task", "anomalies", "--warehouse", str(spiky_warehouse),
                 "--ground-truth", str(truth), "--detections", str(run_dir / "anomalies.json"),
                 "--output-dir", str(out)])  # fmt: skip
    assert code == 0
    report = json.loads((out / "anomaly_eval.json").read_text())
    assert report["volume_spike"] == {
        "precision": 1.0, "recall": 1.0, "f1": 1.0,
        "planted": 1, "detected": 1, "matched": 1, "false_positives": 0,
    }  # fmt: skip
    assert report["sentiment_drop"]["planted"] == 0


def test_rising_unanswered_questions_become_a_kb_gap_in_the_report(tmp_path, spiky_warehouse):
    # the retrieval log: one failure a day about Router-X; from 2024-02-15 five a day with V-3090
    log = tmp_path / "failures.jsonl"
    with open(log, "w", encoding="utf-8") as handle:
        for day in range(DAYS):
            stamp = dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC) + dt.timedelta(days=day)
            events = [("Router-X", [])] + ([("SecureVPN", ["V-3090"])] * 5 if day >= 45 else [])
            for i, (product, entities) in enumerate(events):
                record = {"logged_at": stamp.isoformat(), "reason": "low_confidence",
                          "query": f"vpn crash {i}", "ticket_id": f"Q{day}-{i}",
                          "entities": entities, "product": product}  # fmt: skip
                handle.write(json.dumps(record) + "\n")
    out = tmp_path / "run"
    code = main(["anomalies", "--warehouse", str(spiky_warehouse), "--output-dir", str(out),
                 f"anomaly.baselines_dir={tmp_path / 'baselines'}",
                 f"anomaly.sentiment.cache_dir={tmp_path / 'cache'}",
                 f"anomaly.retrieval_failures.failure_log={log}"])  # fmt: skip
    assert code == 0
    gaps = [a for a in json.loads((out / "anomalies.json").read_text())["anomalies"]
            if a["type"] == "kb_gap"]  # fmt: skip
    assert [(g["signal"], g["value"], g["local_start"]) for g in gaps] == [
        ("retrieval_failures", "V-3090", "2024-02-15")
    ]
    report = json.loads((out / "kb_gap_report.json").read_text())
    assert report["gaps"][0]["topic"] == "V-3090"
    assert report["sources"]["failure_log"] == str(log)
    # 60 Router-X failures and 75 about V-3090 over the whole log
    assert {r["topic"]: r["events"] for r in report["failure_rates"]} == {
        "V-3090": 75, "Router-X": 60,
    }  # fmt: skip
    assert "no KB article answers it" in gaps[0]["explanation"]


def test_flags_become_overrides_and_bad_detectors_are_refused():
    from tickets.anomaly.args import parse_anomalies_args

    parsed = parse_anomalies_args(["--detectors", "volume,sentiment", "--end-date", "2024-03-01"])
    assert parsed.overrides == [
        "anomaly.end_date='2024-03-01'",
        "anomaly.detectors=['volume','sentiment']",
    ]
    with pytest.raises(SystemExit):
        parse_anomalies_args(["--detectors", "volume,tarot"])

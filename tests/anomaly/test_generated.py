"""End to end on a generated warehouse: every planted anomaly is found, nothing else is."""

from __future__ import annotations

import json

import pytest

from tickets.cli import main


@pytest.mark.slow
def test_every_planted_anomaly_is_found_on_a_generated_year(tmp_path):
    warehouse = tmp_path / "generated"
    assert main(["generate", "--tickets", "40000", "--seed", "3", "--output-dir", str(warehouse),
                 "generator.bronze=false"]) == 0  # fmt: skip
    out = tmp_path / "eval"
    code = main(["evaluate", "--task", "anomalies", "--warehouse", str(warehouse),
                 "--output-dir", str(out), f"anomaly.sentiment.cache_dir={tmp_path / 'cache'}",
                 f"anomaly.retrieval_failures.failure_log={tmp_path / 'none.jsonl'}"])  # fmt: skip
    assert code == 0
    report = json.loads((out / "anomaly_eval.json").read_text())
    for kind in ("volume_spike", "emerging_issue", "sentiment_drop", "kb_gap"):
        assert (report[kind]["planted"], report[kind]["matched"], report[kind]["detected"]) == (
            1, 1, 1,
        ), kind  # fmt: skip
    payload = json.loads((out / "anomalies.json").read_text())
    assert len(payload["anomalies"]) == 4
    # the new product's launch is recognised as such, not reported as an emerging issue
    assert any("launch traffic of Nova Hub" in note for note in payload["notes"])

"""``retrain --drift-only`` end to end: the report, ``latest.json`` for the gauges, and the
alert POSTed to a webhook on 127.0.0.1. (Quiet reports send nothing: test_alerts.py; the quiet
report on unchanged data: test_retrain_story.py.)"""

from __future__ import annotations

import json
import shutil

from tickets.cli import main
from tickets.data.adapter_spec import AdapterSpec
from tickets.data.ingest import ingest_file
from tickets.data.warehouse import Warehouse

from .conftest import World, retrain_overrides


def drift_only(warehouse, outputs, url: str) -> int:
    words = retrain_overrides(warehouse, outputs, f"lifecycle.alerts.webhook_url={url}")
    return main(["retrain", "--drift-only", *words])


def test_planted_shift_is_reported_and_alerted(world: World, tmp_path, receiver, fake_embedder):
    state, url = receiver
    shifted = tmp_path / "warehouse"
    shutil.copytree(world.live, shifted)
    ingest_file(world.shifted_batch, AdapterSpec("canonical"), Warehouse.at(shifted))
    assert drift_only(shifted, tmp_path / "outputs", url) == 0
    runs = sorted((tmp_path / "outputs" / "lifecycle" / "drift").glob("2*"))
    assert len(runs) == 1 and (runs[0] / "drift.md").read_text().startswith("# Drift report: DRIFT")
    [(_, headers, payload)] = state.requests
    assert headers["Content-Type"] == "application/json"
    assert payload["kind"] == "drift"
    assert {"category", "channel", "text_embedding"} <= set(payload["details"]["checks"])
    assert payload["report"] == str(runs[0] / "drift.json")
    latest = json.loads((tmp_path / "outputs" / "lifecycle" / "drift" / "latest.json").read_text())
    assert latest["flagged"] is True  # what the API's drift gauges read

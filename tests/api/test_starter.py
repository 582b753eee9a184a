"""Fresh clone: no model, no index. The service builds a starter categoriser and index from
the warehouse with the real models, says so, turns ready, and serves real suggestions."""

from __future__ import annotations

import logging
import time

from fastapi.testclient import TestClient
from omegaconf import OmegaConf

from tickets.api.app import create_app
from tickets.api.auth import create_key
from tickets.api.settings import ApiSettings
from tickets.cli import conf_dir

from .warehouse import write_tiny_warehouse


def test_fresh_service_builds_starters_and_serves_real_suggestions(tmp_path, caplog):
    warehouse = write_tiny_warehouse(tmp_path / "wh")
    retrieval = OmegaConf.to_container(OmegaConf.load(conf_dir() / "retrieval" / "hybrid.yaml"))
    settings = ApiSettings(
        outputs=tmp_path / "outputs",
        starter_warehouse=warehouse.root,
        retrieval=retrieval,
        sqlite_synchronous="NORMAL",
    )
    app = create_app(settings)
    with caplog.at_level(logging.INFO), TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        started = time.monotonic()
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() - started < 120, client.get("/readyz").json()
            time.sleep(0.2)
        services = app.state.services
        key, _ = create_key(
            services.sessions, "t", ("intake",), settings.api_key_pepper.get_secret_value()
        )
        response = client.post(
            "/v1/tickets",
            headers={"Authorization": f"Bearer {key}"},
            json={"subject": "billed twice", "body": "You charged my card twice for one invoice."},
        )
    body = response.json()
    assert response.status_code == 201 and body["enrichment"] == "complete"
    assert body["category"] == "Billing"
    assert body["model_version"].startswith("starter-linear@")
    kb = [r["id"] for r in body["recommendations"] if r["kind"] == "kb_article"]
    assert kb[0] == "KB-0001"
    assert all(
        r["id"].startswith("T-") for r in body["recommendations"] if r["kind"] == "similar_ticket"
    )
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "starter linear categoriser" in logged and "starter index" in logged
    assert (tmp_path / "outputs" / "api" / "starter" / "index" / "index.json").is_file()

"""`python main.py serve` key management, its production guard, and `ingest data=api_db`."""

from __future__ import annotations

import time

import pyarrow.compute as pc
import pyarrow.dataset as ds
import pytest
from fastapi.testclient import TestClient

from tickets.api.app import create_app
from tickets.api.auth import KeyVerifier
from tickets.api.settings import ApiSettings
from tickets.api.storage.db import create_db_engine, session_factory
from tickets.cli import main

from .handmade import KeywordEnricher


def _last_line(capsys) -> str:  # type: ignore[no-untyped-def]
    return capsys.readouterr().out.strip().splitlines()[-1]


def test_create_key_prints_the_key_alone_on_the_last_line(tmp_path, capsys):
    outputs = f"paths.outputs={tmp_path}"
    assert main(["serve", "--create-key", "gateway", "--scopes", "intake,read", outputs]) == 0
    key = _last_line(capsys)
    assert key.startswith("tk_") and " " not in key
    engine = create_db_engine(f"sqlite:///{tmp_path}/api/tickets.db")
    principal = KeyVerifier(
        session_factory(engine), ApiSettings().api_key_pepper.get_secret_value()
    ).verify(key)
    engine.dispose()
    assert principal is not None and principal.scopes == frozenset({"intake", "read"})


def test_list_and_revoke_keys(tmp_path, capsys):
    outputs = f"paths.outputs={tmp_path}"
    main(["serve", "--create-key", "gateway", "--scopes", "read", outputs])
    key = _last_line(capsys)
    assert main(["serve", "--list-keys", outputs]) == 0
    listed = capsys.readouterr().out
    assert "gateway" in listed and "active" in listed and key not in listed
    assert main(["serve", "--revoke-key", "gateway", outputs]) == 0
    assert main(["serve", "--revoke-key", "gateway", outputs]) == 1


def test_unknown_scope_exits_2(tmp_path, capsys):
    assert (
        main(["serve", "--create-key", "x", "--scopes", "write", f"paths.outputs={tmp_path}"]) == 2
    )
    assert "unknown ['write']" in capsys.readouterr().out


def test_production_with_the_default_pepper_refuses_to_start(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("TICKETS_API_KEY_PEPPER", raising=False)
    code = main(["serve", "api.environment=production", f"paths.outputs={tmp_path}"])
    assert code == 2
    assert "TICKETS_API_KEY_PEPPER is the default" in capsys.readouterr().out


@pytest.fixture
def api_tickets(tmp_path):  # type: ignore[no-untyped-def]
    """Two tickets posted through the API; the second resolved and re-categorised."""
    from tickets.api.auth import create_key

    settings = ApiSettings(outputs=tmp_path, sqlite_synchronous="NORMAL")
    app = create_app(settings, lambda _: KeywordEnricher())
    with TestClient(app) as client:
        services = app.state.services
        while services.loader.state.status != "ready":
            time.sleep(0.01)
        key, _ = create_key(
            services.sessions, "t", ("intake",), settings.api_key_pepper.get_secret_value()
        )
        auth = {"Authorization": f"Bearer {key}"}
        first = client.post(
            "/v1/tickets",
            headers=auth,
            json={
                "body": "charged twice",
                "created_at": "2024-05-02T10:00:00Z",
                "channel": "email",
                "external_id": "zd-1",
            },
        ).json()["ticket_id"]
        second = client.post(
            "/v1/tickets",
            headers=auth,
            json={"body": "wifi drops", "created_at": "2024-06-03T10:00:00Z"},
        ).json()["ticket_id"]
        client.post(
            f"/v1/tickets/{second}/resolve",
            headers=auth,
            json={"resolution": "reset the router", "resolved_at": "2024-06-03T12:00:00Z"},
        )
        client.post(
            f"/v1/tickets/{second}/feedback",
            headers=auth,
            json={"kind": "category_corrected", "category": "Hardware"},
        )
    return first, second


def test_ingest_api_db_pulls_api_tickets_into_the_warehouse(tmp_path, api_tickets):
    first, second = api_tickets
    warehouse = tmp_path / "wh"
    code = main(
        ["ingest", "data=api_db", f"paths.outputs={tmp_path}", "--warehouse", str(warehouse)]
    )
    assert code == 0
    table = ds.dataset(warehouse / "tickets", format="parquet", partitioning="hive").to_table()
    rows = {r["ticket_id"]: r for r in table.to_pylist()}
    assert set(rows) == {first, second}
    assert (rows[first]["category"], rows[first]["channel"]) == ("Billing", "email")
    assert rows[first]["x_external_id"] == "zd-1"
    assert (rows[second]["category"], rows[second]["x_predicted_category"]) == (
        "Hardware",
        "Connectivity",
    )
    assert rows[second]["status"] == "resolved" and rows[second]["resolution"] == "reset the router"
    assert pc.all(pc.equal(table["x_source"], "api")).as_py()
    # a second run finds nothing new
    assert (
        main(["ingest", "data=api_db", f"paths.outputs={tmp_path}", "--warehouse", str(warehouse)])
        == 0
    )

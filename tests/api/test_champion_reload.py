"""A running service picks up a new champion: ``retrain`` rewrites ``<models>/CHAMPION`` and
the service loads the new models in the background and swaps them in, with no refused request;
a reload that fails keeps the old models serving."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tickets.api.app import create_app
from tickets.api.auth import create_key
from tickets.api.settings import ApiSettings
from tickets.utils.champion import write_champion_marker

from .handmade import KeywordEnricher


class VersionedEnricher(KeywordEnricher):
    def __init__(self, version: str) -> None:
        super().__init__()
        self.version = version


class Factory:
    """Each load returns ``handmade/<n>``; loads listed in ``fail_on`` raise instead."""

    def __init__(self) -> None:
        self.loads = 0
        self.fail_on: set[int] = set()

    def __call__(self, _: ApiSettings) -> VersionedEnricher:
        self.loads += 1
        if self.loads in self.fail_on:
            raise RuntimeError("the new champion's artifacts are unreadable")
        return VersionedEnricher(f"handmade/{self.loads}")


def _wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[TestClient, Factory, ApiSettings]]:
    settings = ApiSettings(
        outputs=tmp_path / "outputs",
        sqlite_synchronous="NORMAL",
        retry_interval_s=3600,
        champion_poll_s=0.05,
    )
    factory = Factory()
    with TestClient(create_app(settings, factory)) as client:
        loader = client.app.state.services.loader  # type: ignore[attr-defined]
        _wait_for(lambda: loader.state.status == "ready")
        yield client, factory, settings


def _version(client: TestClient) -> str:
    return client.app.state.services.worker.enricher.version  # type: ignore[attr-defined]


def _post(client: TestClient, key: str, n: int) -> dict[str, object]:
    response = client.post(
        "/v1/tickets",
        json={"subject": f"charged twice {n}", "body": "My card was charged twice."},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_a_promotion_is_served_without_a_restart(running) -> None:  # type: ignore[no-untyped-def]
    client, factory, settings = running
    services = client.app.state.services  # type: ignore[attr-defined]
    key = create_key(
        services.sessions, "agent", ("intake", "read"), settings.api_key_pepper.get_secret_value()
    )[0]
    assert _version(client) == "handmade/1"
    assert _post(client, key, 1)["model_version"] == "handmade/1"

    write_champion_marker(settings.resolved_models_dir, {"release": "r2", "action": "promote"})
    _wait_for(lambda: _version(client) == "handmade/2")
    assert _post(client, key, 2)["model_version"] == "handmade/2"
    assert services.loader.state.status == "ready"
    assert services.loader.state.detail == "handmade/2"
    metrics = client.get("/metrics").text
    assert 'tickets_model_reloads_total{outcome="reloaded"} 1.0' in metrics

    # nothing changed: no reload however long we wait
    time.sleep(0.3)
    assert factory.loads == 2


def test_a_failed_reload_keeps_the_old_models(running) -> None:  # type: ignore[no-untyped-def]
    client, factory, settings = running
    factory.fail_on = {2}
    write_champion_marker(settings.resolved_models_dir, {"release": "r2", "action": "promote"})
    _wait_for(lambda: factory.loads == 2)
    time.sleep(0.1)
    assert _version(client) == "handmade/1"
    services = client.app.state.services  # type: ignore[attr-defined]
    assert services.loader.state.status == "ready"
    assert 'tickets_model_reloads_total{outcome="failed"} 1.0' in client.get("/metrics").text

    # the next marker rewrite (e.g. a rollback) is loaded again
    write_champion_marker(settings.resolved_models_dir, {"release": "r1", "action": "rollback"})
    _wait_for(lambda: _version(client) == "handmade/3")


def test_sighup_reloads_without_a_marker_change(running) -> None:  # type: ignore[no-untyped-def]
    client, factory, _ = running
    client.app.state.services.loader.request_reload()  # type: ignore[attr-defined]
    _wait_for(lambda: _version(client) == "handmade/2")
    assert factory.loads == 2

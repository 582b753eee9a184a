"""Service fixtures: a database per test on SQLite and on PostgreSQL, an app, API keys."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tickets.api.app import create_app
from tickets.api.auth import create_key
from tickets.api.enrichment import Enricher
from tickets.api.settings import ApiSettings

from .handmade import KeywordEnricher

PG_ENV = "TICKETS_TEST_DATABASE_URL"
PG_SKIP = f"{PG_ENV} is not set; set it to a PostgreSQL URL to run the PostgreSQL contract tests"


@dataclass(frozen=True)
class Database:
    backend: str
    url: str | None  # None: SQLite under outputs
    schema: str | None = None


def _postgres_schema(url: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield schema
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest) -> Iterator[Database]:
    if request.param == "sqlite":
        yield Database("sqlite", None)
        return
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(PG_SKIP)
    yield from (Database("postgres", url, schema) for schema in _postgres_schema(url))


@dataclass
class Service:
    client: TestClient
    app: Any
    settings: ApiSettings
    keys: dict[str, str]

    def auth(self, name: str = "agent") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[name]}"}

    @property
    def services(self) -> Any:
        return self.app.state.services


KEY_SCOPES = {"agent": ("intake", "read"), "reader": ("read",), "admin": ("admin",)}


@pytest.fixture
def make_service(tmp_path: Path, database: Database) -> Iterator[Callable[..., Service]]:
    clients: list[TestClient] = []

    def make(enricher: Enricher | None = None, **overrides: Any) -> Service:
        values: dict[str, Any] = {
            "outputs": tmp_path / "outputs",
            "database_url": database.url,
            "database_schema": database.schema,
            "retry_interval_s": 3600,
            "sqlite_synchronous": "NORMAL",
            **overrides,
        }
        settings = ApiSettings(**values)
        chosen = enricher if enricher is not None else KeywordEnricher()
        app = create_app(settings, (lambda _: chosen) if settings.load_models else None)
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        services = app.state.services
        pepper = settings.api_key_pepper.get_secret_value()
        keys = {
            name: create_key(services.sessions, f"{name}-{uuid.uuid4().hex[:6]}", scopes, pepper)[0]
            for name, scopes in KEY_SCOPES.items()
        }
        _wait_ready(client)
        return Service(client, app, settings, keys)

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def _wait_ready(client: TestClient, seconds: float = 10.0) -> None:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = client.app.state.services.loader.state.status  # type: ignore[attr-defined]
        if state in ("ready", "disabled", "failed"):
            return
        time.sleep(0.01)
    raise AssertionError("the enricher did not load")


@pytest.fixture
def service(make_service: Callable[..., Service]) -> Service:
    return make_service()

"""Settings refuse default secrets in production; keys are stored hashed, with scopes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tickets.api.auth import (
    ApiKeyError,
    KeyVerifier,
    Principal,
    create_key,
    hash_key,
    key_prefix,
    parse_bearer,
    parse_scopes,
)
from tickets.api.ratelimit import RateLimiter
from tickets.api.settings import ApiSettings
from tickets.api.storage.db import create_db_engine, session_factory
from tickets.api.storage.migrate import upgrade
from tickets.api.storage.models import ApiKeyRow


def test_production_refuses_the_default_pepper(monkeypatch):
    monkeypatch.delenv("TICKETS_API_KEY_PEPPER", raising=False)
    with pytest.raises(ValueError, match="TICKETS_API_KEY_PEPPER is the default"):
        ApiSettings(environment="production")


def test_production_starts_with_a_real_pepper_from_the_environment(monkeypatch):
    monkeypatch.setenv("TICKETS_API_KEY_PEPPER", "p" * 40)
    monkeypatch.setenv("TICKETS_ENVIRONMENT", "production")
    settings = ApiSettings(environment="development")  # the environment wins over config
    assert settings.environment == "production"
    assert "p" * 40 not in repr(settings)  # a SecretStr never prints


def test_database_url_from_the_environment_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("TICKETS_DATABASE_URL", "postgresql+psycopg://u:pw@db/tickets")
    settings = ApiSettings(outputs=tmp_path, database_url=None)
    assert settings.resolved_database_url == "postgresql+psycopg://u:pw@db/tickets"


def test_default_database_is_sqlite_under_outputs(tmp_path):
    assert (
        ApiSettings(outputs=tmp_path).resolved_database_url
        == f"sqlite:///{tmp_path}/api/tickets.db"
    )


def test_scopes_are_checked():
    assert parse_scopes("intake, read,intake") == ("intake", "read")
    with pytest.raises(ApiKeyError, match="unknown \\['write'\\]"):
        parse_scopes("intake,write")


def test_admin_implies_every_scope():
    assert Principal(1, "a", frozenset({"admin"})).allows("intake")
    assert not Principal(1, "r", frozenset({"read"})).allows("intake")


def test_bearer_parsing():
    assert parse_bearer("Bearer tk_1") == "tk_1"
    assert parse_bearer("bearer  tk_1 ") == "tk_1"
    assert parse_bearer("Basic xyz") is None and parse_bearer(None) is None


@pytest.fixture
def sessions(tmp_path):  # type: ignore[no-untyped-def]
    engine = create_db_engine(f"sqlite:///{tmp_path}/keys.db")
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


def test_keys_are_stored_only_as_a_keyed_hash(sessions):
    key, principal = create_key(sessions, "gateway", ("intake",), "pepper-1")
    with sessions() as session:
        row = session.scalar(select(ApiKeyRow))
    assert key not in (row.key_hash, row.prefix, row.name)
    assert row.key_hash == hash_key(key, "pepper-1")
    assert row.prefix == key_prefix(key)
    assert principal.scopes == frozenset({"intake"})


def test_keys_with_underscores_in_their_secret_verify(sessions):
    verifier = KeyVerifier(sessions, "pepper-1", cache_seconds=0)
    for n in range(30):  # token_urlsafe secrets often contain "_"
        key, _ = create_key(sessions, f"k{n}", ("read",), "pepper-1")
        assert verifier.verify(key) is not None, key


def test_a_key_checked_with_another_pepper_fails(sessions):
    key, _ = create_key(sessions, "gateway", ("intake",), "pepper-1")
    assert KeyVerifier(sessions, "pepper-2").verify(key) is None


def test_duplicate_key_name_is_refused(sessions):
    create_key(sessions, "gateway", ("intake",), "p")
    with pytest.raises(ApiKeyError, match="exists already"):
        create_key(sessions, "gateway", ("read",), "p")


def test_token_bucket_allows_burst_then_rate():
    now = [0.0]
    limiter = RateLimiter(rate=2.0, burst=2, clock=lambda: now[0])
    assert [limiter.acquire(1), limiter.acquire(1)] == [0.0, 0.0]
    assert limiter.acquire(1) == pytest.approx(0.5)  # one token refills in 1/2 s
    now[0] = 0.5
    assert limiter.acquire(1) == 0.0
    assert limiter.acquire(2) == 0.0  # buckets are per key

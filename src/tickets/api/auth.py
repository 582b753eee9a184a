"""API keys: random bearer tokens stored only as an HMAC-SHA256, each with scopes.

A key looks like ``tk_<prefix>_<secret>``. The prefix (8 hex characters) is stored in clear and
finds the row; the whole key is checked against ``key_hash`` = HMAC-SHA256(pepper, key) in
constant time. The pepper (``TICKETS_API_KEY_PEPPER``) never touches the database, so a copy of
the database alone does not let anyone test guesses. Keys carry 256 bits of randomness, so a
fast keyed hash is enough; a slow password hash would only add latency to every request.

Scopes: ``intake`` (post tickets, feedback, resolutions), ``read`` (read tickets, analytics,
anomalies), ``admin`` (everything).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from tickets.api.storage.models import ApiKeyRow

SCOPES = ("intake", "read", "admin")
KEY_PREFIX = "tk"
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


class ApiKeyError(ValueError):
    """A key cannot be created: bad name, unknown scope or a name already taken."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's id, name and scopes (never the key itself)."""

    key_id: int
    name: str
    scopes: frozenset[str]

    def allows(self, scope: str) -> bool:
        return "admin" in self.scopes or scope in self.scopes


def parse_scopes(text: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    words = text.split(",") if isinstance(text, str) else list(text)
    scopes = tuple(dict.fromkeys(w.strip() for w in words if w.strip()))
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise ApiKeyError(
            f"scopes {list(scopes)!r}: unknown {unknown}; choose from {', '.join(SCOPES)} "
            "(comma-separated, e.g. --scopes intake,read)"
        )
    return scopes


def hash_key(key: str, pepper: str) -> str:
    return hmac.new(pepper.encode(), key.encode(), hashlib.sha256).hexdigest()


def key_prefix(key: str) -> str | None:
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or len(parts[1]) != 8:
        return None
    return parts[1]


def parse_bearer(header: str | None) -> str | None:
    """The token of ``Authorization: Bearer <token>``, or None."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def create_key(
    sessions: sessionmaker[Session], name: str, scopes: tuple[str, ...], pepper: str
) -> tuple[str, Principal]:
    """Store a new key (hashed) and return it in clear: the only time it is ever visible."""
    if not name or len(name) > 64 or not set(name) <= _NAME_CHARS:
        raise ApiKeyError(
            f"key name {name!r}: use 1-64 letters, digits, '-', '_' or '.' (e.g. email-gateway)"
        )
    for _ in range(5):  # a prefix collision is possible in principle; try a fresh one
        prefix, secret = secrets.token_hex(4), secrets.token_urlsafe(32)
        key = f"{KEY_PREFIX}_{prefix}_{secret}"
        row = ApiKeyRow(
            name=name,
            prefix=prefix,
            key_hash=hash_key(key, pepper),
            scopes=",".join(scopes),
            created_at=dt.datetime.now(dt.UTC),
        )
        try:
            with sessions.begin() as session:
                if session.scalar(select(ApiKeyRow.id).where(ApiKeyRow.name == name)):
                    raise ApiKeyError(
                        f"an API key named {name!r} exists already; pick another name"
                    )
                session.add(row)
        except IntegrityError:
            continue
        return key, Principal(row.id, name, frozenset(scopes))
    raise ApiKeyError(f"could not store key {name!r}; try again")


class KeyVerifier:
    """Checks bearer keys against the database, caching good answers for a few seconds."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        pepper: str,
        cache_seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._pepper = pepper
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._cache: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()

    def verify(self, key: str) -> Principal | None:
        digest = hash_key(key, self._pepper)
        now = self._clock()
        with self._lock:
            hit = self._cache.get(digest)
        if hit is not None and hit[0] > now:
            return hit[1]
        principal = self._lookup(key, digest)
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[digest] = (now + self._cache_seconds, principal)
        return principal

    def _lookup(self, key: str, digest: str) -> Principal | None:
        prefix = key_prefix(key)
        if prefix is None:
            return None
        with self._sessions() as session:
            row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.prefix == prefix))
        if row is None or row.revoked_at is not None:
            return None
        if not hmac.compare_digest(row.key_hash, digest):
            return None
        return Principal(row.id, row.name, frozenset(row.scopes.split(",")))


def revoke_key(sessions: sessionmaker[Session], name: str) -> bool:
    """Mark the named key revoked; False when there is no active key of that name."""
    with sessions.begin() as session:
        row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.name == name))
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at = dt.datetime.now(dt.UTC)
    return True


def list_keys(sessions: sessionmaker[Session]) -> list[ApiKeyRow]:
    with sessions() as session:
        return list(session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.name)).all())

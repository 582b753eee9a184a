"""Database engines: SQLite in WAL mode by default, PostgreSQL when a URL says so.

SQLite gets ``journal_mode=WAL`` (readers never block the writer), ``busy_timeout`` (writers
queue instead of failing) and ``synchronous`` from the settings (FULL: a committed ticket
survives power loss, not only a killed process). Writes that can be recomputed (enrichment
results) commit with NORMAL, which halves the disk flushes per ticket. PostgreSQL can be
pinned to one schema (``search_path``), which the tests use to run side by side.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
SQLITE_BUSY_TIMEOUT_MS = 30_000
IMMEDIATE_OPTION = "tickets_sqlite_immediate"
SYNCHRONOUS_OPTION = "tickets_sqlite_synchronous"


def safe_url(url: str) -> str:
    """The URL with its password masked, for logs and error messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparseable URL is not worth leaking either
        return "<unparseable database URL>"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_db_engine(
    url: str, schema: str | None = None, synchronous: str = "FULL", pool_size: int = 10
) -> Engine:
    """An engine for ``url``; creates the SQLite file's folder if needed."""
    if is_sqlite(url):
        return _sqlite_engine(url, synchronous)
    if schema is not None and not _SCHEMA_NAME.match(schema):
        raise ValueError(f"database schema {schema!r} must match {_SCHEMA_NAME.pattern}")
    connect_args: dict[str, Any] = {}
    if schema:
        connect_args["options"] = f"-csearch_path={schema}"
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=pool_size,
        connect_args=connect_args,
    )


def _sqlite_engine(url: str, synchronous: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own BEGIN handling is turned off so that "BEGIN IMMEDIATE" below is ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # A deferred transaction that reads and then writes fails at once with SQLITE_BUSY if
        # another writer committed in between; write sessions therefore take the write lock
        # up front (BEGIN IMMEDIATE), where the busy timeout makes them queue.
        options = connection.get_execution_options()
        level = options.get(SYNCHRONOUS_OPTION, synchronous)
        connection.exec_driver_sql(f"PRAGMA synchronous={level}")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get(IMMEDIATE_OPTION) else "BEGIN")

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for reads (and single-statement writes)."""
    return sessionmaker(engine, expire_on_commit=False)


def write_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that read then write: on SQLite they hold the write lock from the start."""
    return sessionmaker(
        engine.execution_options(**{IMMEDIATE_OPTION: True}), expire_on_commit=False
    )


def recomputable_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for writes that can be redone (enrichment results, leases): on SQLite they
    commit without waiting for the disk (synchronous=NORMAL). A power loss can only undo such
    a write, which turns the ticket back to pending for the retrier; the ticket itself was
    committed with the configured (FULL) level."""
    return sessionmaker(
        engine.execution_options(**{SYNCHRONOUS_OPTION: "NORMAL"}), expire_on_commit=False
    )

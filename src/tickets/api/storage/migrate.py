"""Apply the Alembic migrations shipped inside the package (``tickets/api/migrations``).

The service calls :func:`upgrade` at start; it is a no-op when the database is at the head
revision. On PostgreSQL an advisory lock serialises concurrent starts (several workers); on
SQLite an immediate (write-locking) transaction does.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from tickets.api.storage.db import IMMEDIATE_OPTION

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"
_ADVISORY_LOCK_ID = 8_020_801  # any constant shared by every instance of the service


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, f"no migrations found under {MIGRATIONS_DIR}"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Bring the database to the head revision; returns it."""
    head = head_revision()
    if current_revision(engine) == head:
        return head
    config = alembic_config()
    # BEGIN IMMEDIATE on SQLite: a second process starting at the same time waits here and
    # then finds the database already at head.
    with engine.execution_options(**{IMMEDIATE_OPTION: True}).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _ADVISORY_LOCK_ID})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    log.info("database migrated to revision %s", head)
    return head

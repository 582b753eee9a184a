"""The Alembic migrations create exactly the schema the ORM models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tickets.api.storage.db import create_db_engine
from tickets.api.storage.migrate import current_revision, head_revision, upgrade
from tickets.api.storage.models import Base


def _engine(database, tmp_path):  # type: ignore[no-untyped-def]
    url = database.url or f"sqlite:///{tmp_path}/m.db"
    return create_db_engine(url, database.schema)


def test_migrations_match_the_models(database, tmp_path):
    engine = _engine(database, tmp_path)
    assert upgrade(engine) == head_revision()
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_twice_is_a_no_op(database, tmp_path):
    engine = _engine(database, tmp_path)
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path):
    engine = create_db_engine(f"sqlite:///{tmp_path}/w.db")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    engine.dispose()


def test_ticket_commits_wait_for_the_disk_and_enrichment_commits_do_not(tmp_path):
    from sqlalchemy import text

    from tickets.api.storage.db import recomputable_session_factory, session_factory

    engine = create_db_engine(f"sqlite:///{tmp_path}/s.db", synchronous="FULL")
    with session_factory(engine).begin() as session:
        assert session.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    with recomputable_session_factory(engine).begin() as session:
        assert session.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
    with session_factory(engine).begin() as session:  # the same pooled connection, reset
        assert session.execute(text("PRAGMA synchronous")).scalar() == 2
    engine.dispose()

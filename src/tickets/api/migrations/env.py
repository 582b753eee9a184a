"""Alembic environment of the service database (no Hydra: settings arrive as arguments).

``tickets.api.storage.migrate.upgrade`` runs this with an open connection in
``config.attributes["connection"]``. The ``alembic`` command line works too:
``alembic -x url=sqlite:///outputs/api/tickets.db -c <this folder>/alembic.ini upgrade head``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from tickets.api.storage.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url", "sqlite:///outputs/api/tickets.db"
    )
    engine = create_engine(url)
    with engine.connect() as connection:
        _run(connection)
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("offline SQL generation is not supported; run against a database")
run_migrations_online()

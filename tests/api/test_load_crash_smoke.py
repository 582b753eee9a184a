"""A few-second version of benchmarks/api_load.py and benchmarks/api_crash.py: the real server
in a subprocess, an open-loop client, kill -9 mid-load, restart, and the durability check
(every acknowledged ticket stored exactly once). Models are off here (tickets stay pending)
so the server starts in seconds; the benchmarks run the same code with the models on."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from .warehouse import write_tiny_warehouse

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import api_bench_lib as lib  # noqa: E402
import api_crash  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture
def server_for(tmp_path, database):  # type: ignore[no-untyped-def]
    warehouse = write_tiny_warehouse(tmp_path / "wh")
    kind = "postgres" if database.url else "sqlite"
    db = lib.Database(kind, tmp_path, database.url, database.schema)
    overrides = ["api.load_models=false", "api.access_log=false", "api.sqlite_synchronous=FULL"]
    server = lib.Server(db, tmp_path, overrides)
    yield server, warehouse.root
    server.stop()


def _key(server: lib.Server, name: str) -> str:
    """A key straight in the database (the CLI path is tested in test_serve_command.py)."""
    from tickets.api.auth import create_key
    from tickets.api.settings import ApiSettings
    from tickets.api.storage.db import create_db_engine, session_factory
    from tickets.api.storage.migrate import upgrade

    engine = create_db_engine(server.database.url(), server.database.schema)
    upgrade(engine)
    pepper = ApiSettings().api_key_pepper.get_secret_value()
    key, _ = create_key(session_factory(engine), name, ("intake", "read"), pepper)
    engine.dispose()
    return key


def test_load_then_kill_9_mid_load_loses_and_duplicates_nothing(server_for, tmp_path):
    server, warehouse = server_for
    key = _key(server, "smoke")
    server.start(tmp_path / "server.log")
    server.wait("/healthz", 120)
    texts = lib.ticket_texts(warehouse, n=50)
    steady = asyncio.run(lib.open_loop(server.url, key, texts, rate=40, duration=1.5))
    assert [o.status for o in steady] == [201] * 60
    assert len({o.ticket_id for o in steady}) == 60

    outcomes, timings = api_crash.run_crash(
        server, key, texts, rate=30, duration=3, kill_after=1.0, log=tmp_path / "server.log"
    )
    assert timings["killed_at_s"] == 1.0
    keys, ids, _ = api_crash.stored_tickets(server.database, "smoke")
    result = api_crash.verify(steady + outcomes, keys, ids)
    assert result["acknowledged"] == result["sent"] == 150
    assert (result["missing"], result["duplicates"], result["id_mismatches"]) == (0, 0, 0)
    assert result["stored_rows"] == 150
    assert result["retried"] > 0  # the kill really interrupted requests
    assert result["passed"]

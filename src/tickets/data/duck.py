"""DuckDB connections that never touch the network."""

from __future__ import annotations

import duckdb

OFFLINE_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def connect(
    database: str = ":memory:",
    threads: int | None = None,
    memory_limit: str | None = None,
    temp_directory: str | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB connection with extension auto-install and auto-load switched off.

    ``temp_directory`` is where DuckDB spills when a query outgrows ``memory_limit``.
    """
    config: dict[str, str | bool | int] = dict(OFFLINE_CONFIG)
    if threads:
        config["threads"] = threads
    if memory_limit:
        config["memory_limit"] = memory_limit
    if temp_directory:
        config["temp_directory"] = temp_directory
    con = duckdb.connect(database, config=config)
    con.execute("SET TimeZone = 'UTC'")
    return con


def sql_literal(text: str) -> str:
    """Quote a string (for example a file path) as a SQL literal."""
    return "'" + text.replace("'", "''") + "'"

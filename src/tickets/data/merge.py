"""Ingest pass 3: dedupe the accepted tickets of one file and merge them into the silver set.

Within the file, the latest ``updated_at`` per ticket wins; identical copies collapse to one;
two different versions with the same latest ``updated_at`` conflict and both become rejects.
Against the warehouse, a newer ``updated_at`` wins; on a tie the warehouse copy stays, so a
file only changes a ticket by carrying a later update. The new
silver set is written by DuckDB partitioned by created month into a staging folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tickets.data.duck import connect, sql_literal
from tickets.data.event_log import ident
from tickets.data.warehouse import PARTITION_COLUMN, Warehouse
from tickets.schemas.tickets import TICKET_SCHEMA

_EPOCH = "TIMESTAMPTZ '0001-01-01 00:00:00+00'"


@dataclass
class MergeCounts:
    winners: int = 0
    superseded: int = 0
    identical_duplicates: int = 0
    conflicts: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0  # not newer than the warehouse copy, and different: the warehouse copy stays
    total_after: int = 0


def _content_hash(columns: list[str]) -> str:
    """A 64-bit hash of the row's content; only versions of one ticket are ever compared."""
    packed = ", ".join(f"{ident(c)} := {ident(c)}" for c in columns)
    return f"hash(struct_pack({packed}))"


def merge_into_warehouse(
    accepted_dir: Path,
    conflicts_path: Path,
    warehouse: Warehouse,
    out_dir: Path,
    file_name: str,
    memory_limit: str = "1GB",
) -> MergeCounts:
    con = connect(
        str(accepted_dir.parent / "merge.duckdb"),
        memory_limit=memory_limit,
        temp_directory=str(accepted_dir.parent / "spill"),
    )
    parts = sql_literal(str(accepted_dir / "*.parquet"))
    con.execute(f"CREATE VIEW incoming AS SELECT * FROM read_parquet({parts}, union_by_name=true)")
    columns = [r[0] for r in con.execute("DESCRIBE incoming").fetchall() if r[0] != "_row"]
    canonical = [c for c in TICKET_SCHEMA.names if c in columns]
    con.execute(f"""
        CREATE TABLE ranked AS
        SELECT *, {_content_hash(columns)} AS _hash,
               coalesce(updated_at, {_EPOCH}) = max(coalesce(updated_at, {_EPOCH}))
                   OVER (PARTITION BY ticket_id) AS _top
        FROM incoming""")
    con.execute("""
        CREATE TABLE conflicted AS
        SELECT ticket_id FROM ranked WHERE _top
        GROUP BY ticket_id HAVING count(DISTINCT _hash) > 1""")
    con.execute("""
        CREATE TABLE winners AS
        SELECT * EXCLUDE (_top) FROM ranked
        WHERE _top AND ticket_id NOT IN (SELECT ticket_id FROM conflicted)
        QUALIFY row_number() OVER (PARTITION BY ticket_id ORDER BY _row) = 1""")
    counts = MergeCounts()
    counts.superseded = _scalar(con, "SELECT count(*) FROM ranked WHERE NOT _top")
    counts.winners = _scalar(con, "SELECT count(*) FROM winners")
    counts.conflicts = _write_conflicts(con, conflicts_path, file_name)
    counts.identical_duplicates = (
        _scalar(con, "SELECT count(*) FROM ranked WHERE _top") - counts.winners - counts.conflicts
    )
    _merge(con, warehouse, canonical, counts)
    con.execute(f"""
        COPY (SELECT * EXCLUDE (_src, _hash, _row),
                     coalesce(strftime(created_at, '%Y-%m'), 'undated') AS {PARTITION_COLUMN}
              FROM merged ORDER BY {PARTITION_COLUMN}, created_at, ticket_id)
        TO {sql_literal(str(out_dir))}
        (FORMAT parquet, PARTITION_BY ({PARTITION_COLUMN}), COMPRESSION zstd,
         OVERWRITE_OR_IGNORE true, FILENAME_PATTERN 'part-{{i}}')""")
    con.close()
    return counts


def _merge(con, warehouse: Warehouse, canonical: list[str], counts: MergeCounts) -> None:  # type: ignore[no-untyped-def]
    if warehouse.has_tickets():
        existing = f"SELECT * EXCLUDE ({PARTITION_COLUMN}) FROM {warehouse.tickets_scan_sql()}"
    else:
        existing = "SELECT * EXCLUDE (_hash, _row) FROM winners WHERE false"
    con.execute(f"CREATE VIEW existing AS {existing}")
    digest = _content_hash(canonical)
    con.execute(f"""
        CREATE TABLE merged AS
        SELECT * EXCLUDE (_rank) FROM (
            SELECT *, row_number() OVER (
                PARTITION BY ticket_id ORDER BY coalesce(updated_at, {_EPOCH}) DESC, _src ASC
            ) AS _rank
            FROM (SELECT *, 0 AS _src, NULL::UBIGINT AS _hash, NULL::BIGINT AS _row FROM existing
                  UNION ALL BY NAME
                  SELECT *, 1 AS _src FROM winners)
        ) WHERE _rank = 1""")
    counts.inserted = _scalar(
        con, "SELECT count(*) FROM winners WHERE ticket_id NOT IN (SELECT ticket_id FROM existing)"
    )
    counts.updated = _scalar(
        con,
        "SELECT count(*) FROM merged WHERE _src = 1 "
        "AND ticket_id IN (SELECT ticket_id FROM existing)",
    )
    counts.unchanged = _scalar(
        con,
        f"""SELECT count(*) FROM (SELECT ticket_id, {digest} AS h FROM winners) w
            JOIN (SELECT ticket_id, {digest} AS h FROM existing) e USING (ticket_id)
            WHERE w.h = e.h""",
    )
    counts.stale = counts.winners - counts.inserted - counts.updated - counts.unchanged
    counts.total_after = _scalar(con, "SELECT count(*) FROM merged")


def _write_conflicts(con, path: Path, file_name: str) -> int:  # type: ignore[no-untyped-def]
    n = _scalar(
        con,
        "SELECT count(*) FROM ranked "
        "WHERE _top AND ticket_id IN (SELECT ticket_id FROM conflicted)",
    )
    if n:
        message = (
            f"{sql_literal(file_name + ' row ')} || _row || ': ticket_id ' || ticket_id || "
            "' appears more than once with the same updated_at and different content'"
        )
        con.execute(f"""
            COPY (SELECT * EXCLUDE (_top, _hash), 'duplicate_conflict' AS _error_code,
                         {message} AS _error, NULL::VARCHAR AS _raw
                  FROM ranked WHERE _top AND ticket_id IN (SELECT ticket_id FROM conflicted)
                  ORDER BY _row)
            TO {sql_literal(str(path))} (FORMAT parquet)""")
    return n


def _scalar(con, sql: str) -> int:  # type: ignore[no-untyped-def]
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0

"""Ingest one bronze file into the silver warehouse: map, validate, dedupe, merge, record.

Idempotent: the manifest remembers each file by sha256 and adapter fingerprint, and the merge
itself is "latest updated_at wins", so a rerun of the same file changes nothing.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tickets.data.adapter_spec import AdapterSpec
from tickets.data.adapters import check_required_columns
from tickets.data.duck import connect, sql_literal
from tickets.data.merge import merge_into_warehouse
from tickets.data.sources import BronzeSource, open_bronze
from tickets.data.staging import stage_mapped, stage_validated
from tickets.data.warehouse import Warehouse
from tickets.utils.io import atomic_directory, atomic_path, sha256_file, write_json_atomic
from tickets.utils.timeutil import run_stamp, utc_now


@dataclass
class IngestSummary:
    file: str
    sha256: str
    adapter: str
    warehouse: str
    skipped: bool = False
    rows_read: int = 0
    malformed_lines: int = 0
    tickets_in_file: int = 0
    accepted: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    superseded_in_file: int = 0
    identical_duplicates: int = 0
    rejected: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    warehouse_tickets: int = 0
    run_dir: str | None = None
    ingested_at: str = ""


def ingest_file(
    path: str | Path,
    spec: AdapterSpec,
    warehouse: Warehouse,
    batch_rows: int = 100_000,
    force: bool = False,
    on_rows: Callable[[int], None] | None = None,
    memory_limit: str = "1GB",
) -> IngestSummary:
    """Ingest ``path`` into ``warehouse``; DuckDB spills to disk beyond ``memory_limit``."""
    path = Path(path)
    sha = sha256_file(path)
    key = f"{sha}:{spec.fingerprint()}"
    manifest = warehouse.read_manifest()
    if key in manifest["files"] and warehouse.has_tickets() and not force:
        known = IngestSummary.__dataclass_fields__
        previous = {k: v for k, v in manifest["files"][key].items() if k in known}
        return IngestSummary(**{**previous, "skipped": True})
    source = open_bronze(path, spec.format, spec.delimiter)
    try:
        check_required_columns(spec, source.columns, path.name)
        summary = _ingest(source, spec, warehouse, sha, batch_rows, on_rows, memory_limit)
    finally:
        source.close()
    manifest["files"][key] = {**asdict(summary), "config": asdict(spec)}
    manifest["files"][key].pop("skipped")
    warehouse.write_manifest(manifest)
    return summary


def _ingest(
    source: BronzeSource,
    spec: AdapterSpec,
    warehouse: Warehouse,
    sha: str,
    batch_rows: int,
    on_rows: Callable[[int], None] | None,
    memory_limit: str,
) -> IngestSummary:
    warehouse.root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".ingest-staging-", dir=warehouse.root))
    summary = IngestSummary(
        file=str(source.path), sha256=sha, adapter=spec.name, warehouse=str(warehouse.root)
    )
    try:
        rows, schema = stage_mapped(source, spec, staging / "mapped", batch_rows, on_rows)
        summary.rows_read = rows
        malformed = source.malformed_lines()
        summary.malformed_lines = malformed.num_rows
        if schema is not None:
            counts = stage_validated(
                staging / "mapped",
                schema,
                spec,
                staging / "accepted",
                staging / "rejected",
                source.path.name,
                batch_rows,
                memory_limit,
            )
            summary.tickets_in_file = counts.tickets
            if counts.accepted:
                with atomic_directory(warehouse.tickets_dir) as new_tickets:
                    merged = merge_into_warehouse(
                        staging / "accepted",
                        staging / "rejected" / "conflicts.parquet",
                        warehouse,
                        new_tickets,
                        source.path.name,
                        memory_limit,
                    )
                summary.accepted = merged.winners
                summary.inserted, summary.updated = merged.inserted, merged.updated
                summary.unchanged, summary.stale = merged.unchanged, merged.stale
                summary.superseded_in_file = merged.superseded
                summary.identical_duplicates = merged.identical_duplicates
                summary.warehouse_tickets = merged.total_after
        summary.ingested_at = utc_now().isoformat()
        run_dir = warehouse.runs_dir / f"{run_stamp()}-{_stem(source.path)}"
        summary.rejected_by_reason = _write_rejects(staging, malformed, source.path, run_dir)
        summary.rejected = sum(summary.rejected_by_reason.values())
        summary.run_dir = str(run_dir)
        write_json_atomic(run_dir / "summary.json", asdict(summary))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return summary


def _stem(path: Path) -> str:
    return path.name.split(".")[0]


def _write_rejects(staging: Path, malformed, source: Path, run_dir: Path) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Write every rejected row (with its reason) to ``run_dir/rejects.parquet``."""
    con = connect()
    parts = sorted((staging / "rejected").glob("*.parquet"))
    selects = []
    if parts:
        files = "[" + ", ".join(sql_literal(str(p)) for p in parts) + "]"
        selects.append(
            f"SELECT * RENAME (_row AS row, _error_code AS reason_code, _error AS reason, "
            f"_raw AS raw) FROM read_parquet({files}, union_by_name=true)"
        )
    if malformed.num_rows:
        con.register("malformed", malformed)
        selects.append(
            f"SELECT line AS row, 'malformed_line' AS reason_code, "
            f"{sql_literal(source.name + ' line ')} || line || ': ' || error AS reason, "
            "csv_line AS raw FROM malformed"
        )
    run_dir.mkdir(parents=True, exist_ok=True)
    if not selects:
        con.close()
        return {}
    union = " UNION ALL BY NAME ".join(selects)
    con.execute(
        f"CREATE TEMP TABLE rejects AS "
        f"SELECT {sql_literal(source.name)} AS source_file, * FROM ({union})"
    )
    with atomic_path(run_dir / "rejects.parquet") as tmp:
        con.execute(
            f"COPY (SELECT * FROM rejects ORDER BY row) TO {sql_literal(str(tmp))} (FORMAT parquet)"
        )
    counts = dict(
        con.execute(
            "SELECT reason_code, count(*) FROM rejects GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall()
    )
    con.close()
    return {str(k): int(v) for k, v in counts.items()}

"""Load a bronze file through the same adapter and validation as ingest, into memory.

For model inputs (train, categorize, evaluate): a raw export of any supported shape becomes
canonical tickets in input order, without touching a warehouse. Bad rows come back as rejects.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tickets.data.adapter_spec import AdapterSpec
from tickets.data.adapters import check_required_columns
from tickets.data.sources import open_bronze
from tickets.data.staging import StagedCounts, stage_mapped, stage_validated


@dataclass
class LoadedTickets:
    table: pa.Table  # accepted rows, canonical + x_ columns, in input order (``_row`` kept)
    rejects: pa.Table  # rejected rows with ``_error_code`` and ``_error``
    counts: StagedCounts


def load_tickets(path: str | Path, spec: AdapterSpec, batch_rows: int = 100_000) -> LoadedTickets:
    path = Path(path)
    source = open_bronze(path, spec.format, spec.delimiter)
    try:
        check_required_columns(spec, source.columns, path.name)
        with tempfile.TemporaryDirectory(prefix="tickets-load-") as tmp:
            staging = Path(tmp)
            rows, schema = stage_mapped(source, spec, staging / "mapped", batch_rows)
            if schema is None:
                raise ValueError(f"{path}: the file has no rows")
            counts = stage_validated(
                staging / "mapped",
                schema,
                spec,
                staging / "accepted",
                staging / "rejected",
                path.name,
                batch_rows,
            )
            counts.rows_read = rows
            table = _read_parts(staging / "accepted").sort_by("_row")
            rejects = _read_parts(staging / "rejected")
    finally:
        source.close()
    return LoadedTickets(table=table, rejects=rejects, counts=counts)


def _read_parts(folder: Path) -> pa.Table:
    parts = sorted(folder.glob("*.parquet"))
    if not parts:
        return pa.table({})
    return pa.concat_tables([pq.read_table(p) for p in parts], promote_options="default")

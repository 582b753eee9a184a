"""Ingest passes 1 and 2: bronze → mapped events → collapsed, derived, validated tickets.

Pass 1 streams the source through the adapter into Parquet parts. Pass 2 lets DuckDB collapse
event logs and compute derived columns, then streams the result through the validation rules,
splitting it into accepted parts and reject parts. Memory stays bounded by the batch size.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tickets.data.adapter_spec import AdapterSpec
from tickets.data.adapters import META_COLUMNS, map_batch
from tickets.data.duck import connect, sql_literal
from tickets.data.event_log import collapse_sql, ident
from tickets.data.sources import BronzeSource
from tickets.data.validation import apply_rules, build_rules
from tickets.schemas.tickets import TICKET_SCHEMA

_DUCK_TYPES = {
    pa.string(): "VARCHAR",
    pa.float64(): "DOUBLE",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.bool_(): "BOOLEAN",
}


def duck_type(arrow_type: pa.DataType) -> str:
    return "TIMESTAMPTZ" if pa.types.is_timestamp(arrow_type) else _DUCK_TYPES[arrow_type]


@dataclass
class StagedCounts:
    rows_read: int = 0
    tickets: int = 0
    accepted: int = 0
    rejected: int = 0


def stage_mapped(
    source: BronzeSource, spec: AdapterSpec, out_dir: Path, batch_rows: int, on_rows=None
) -> tuple[int, pa.Schema | None]:  # type: ignore[no-untyped-def]
    """Pass 1: adapter-map every batch of the source into ``out_dir/part-N.parquet``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rows, schema = 0, None
    for index, batch in enumerate(source.batches(batch_rows)):
        table = map_batch(batch, spec, first_row=rows + 1, file_name=source.path.name)
        pq.write_table(table, out_dir / f"part-{index:05d}.parquet")
        rows += batch.num_rows
        schema = table.schema
        if on_rows:
            on_rows(batch.num_rows)
    return rows, schema


def stage_validated(
    mapped_dir: Path,
    schema: pa.Schema,
    spec: AdapterSpec,
    accepted_dir: Path,
    rejected_dir: Path,
    file_name: str,
    batch_rows: int,
    memory_limit: str = "1GB",
) -> StagedCounts:
    """Pass 2: collapse/derive in DuckDB, validate in batches, split accepted from rejected."""
    accepted_dir.mkdir(parents=True, exist_ok=True)
    rejected_dir.mkdir(parents=True, exist_ok=True)
    con = connect(
        str(mapped_dir.parent / "pass2.duckdb"),
        memory_limit=memory_limit,
        temp_directory=str(mapped_dir.parent / "spill"),
    )
    parts = sql_literal(str(mapped_dir / "*.parquet"))
    con.execute(f"CREATE VIEW mapped AS SELECT * FROM read_parquet({parts})")
    query, out_schema = _tickets_query(spec, schema)
    rules = build_rules(spec.required, spec.satisfaction_range)
    counts = StagedCounts()
    reader = con.sql(query).to_arrow_reader(batch_rows)
    for index, batch in enumerate(reader):
        frame = apply_rules(batch.to_pandas(types_mapper=_nullable), rules, file_name)
        table = pa.Table.from_pandas(frame, schema=out_schema, preserve_index=False)
        bad = table.column("_error_code").is_valid()
        good_rows = table.filter(pa.compute.invert(bad)).drop_columns(list(META_COLUMNS[1:]))
        bad_rows = table.filter(bad)
        pq.write_table(good_rows, accepted_dir / f"part-{index:05d}.parquet")
        if bad_rows.num_rows:
            pq.write_table(bad_rows, rejected_dir / f"part-{index:05d}.parquet")
        counts.tickets += table.num_rows
        counts.accepted += good_rows.num_rows
        counts.rejected += bad_rows.num_rows
    con.close()
    return counts


def _tickets_query(spec: AdapterSpec, schema: pa.Schema) -> tuple[str, pa.Schema]:
    types = {f.name: duck_type(f.type) for f in schema}
    base = (
        collapse_sql("mapped", spec.event_log, types) if spec.event_log else "SELECT * FROM mapped"
    )
    fields = list(schema)
    replaced, added = [], []
    for column, expression in spec.derived.items():
        if column in types:
            replaced.append(f"CAST(({expression}) AS {types[column]}) AS {ident(column)}")
        else:
            added.append(f"CAST(({expression}) AS VARCHAR) AS {ident(column)}")
            fields.insert(len(fields) - len(META_COLUMNS), pa.field(column, pa.string()))
    select = "SELECT *" + (f" REPLACE ({', '.join(replaced)})" if replaced else "")
    select += "".join(f", {a}" for a in added)
    ordered = ", ".join(ident(f.name) for f in fields)
    return f"SELECT {ordered} FROM ({select} FROM ({base}))", pa.schema(fields)


def _nullable(arrow_type: pa.DataType) -> object:
    import pandas as pd

    if pa.types.is_string(arrow_type):
        return pd.StringDtype()
    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    return None


CANONICAL_NAMES = tuple(TICKET_SCHEMA.names)

"""The silver warehouse on disk.

Layout (every file written atomically)::

    <root>/tickets/created_month=YYYY-MM/part-*.parquet   canonical tickets (+ x_ extras)
    <root>/{agents,customers,sla_policies,kb_articles,products}.parquet   dimension tables
    <root>/ingest_manifest.json        every ingested file: sha256, row counts, config
    <root>/ingest_runs/<stamp>/        rejects.parquet and summary.json of each ingest run
    <root>/ground_truth.json           planted truth (generated warehouses only)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tickets.data.duck import sql_literal
from tickets.schemas.dimensions import DIMENSION_SCHEMAS
from tickets.utils.io import atomic_path, recover_directory, write_json_atomic

PARTITION_COLUMN = "created_month"


class WarehouseError(RuntimeError):
    """The warehouse is missing or unreadable; the message says how to create it."""


@dataclass(frozen=True)
class Warehouse:
    root: Path

    @classmethod
    def at(cls, root: str | Path) -> Warehouse:
        return cls(Path(root))

    @property
    def tickets_dir(self) -> Path:
        return self.root / "tickets"

    @property
    def manifest_path(self) -> Path:
        return self.root / "ingest_manifest.json"

    @property
    def ground_truth_path(self) -> Path:
        return self.root / "ground_truth.json"

    @property
    def runs_dir(self) -> Path:
        return self.root / "ingest_runs"

    def dimension_path(self, name: str) -> Path:
        if name not in DIMENSION_SCHEMAS:
            raise KeyError(f"unknown dimension table {name!r}; known: {sorted(DIMENSION_SCHEMAS)}")
        return self.root / f"{name}.parquet"

    def ticket_files(self) -> list[Path]:
        recover_directory(self.tickets_dir)
        return sorted(self.tickets_dir.glob("**/*.parquet"))

    def has_tickets(self) -> bool:
        return bool(self.ticket_files())

    def require_tickets(self) -> None:
        if not self.has_tickets():
            raise WarehouseError(
                f"no tickets in warehouse {self.root}: create one with "
                "'python main.py ingest --input FILE --warehouse DIR' or "
                "'python main.py generate --output-dir DIR'"
            )

    def tickets_scan_sql(self) -> str:
        """A DuckDB table expression over every ticket file (partition column included)."""
        pattern = sql_literal(str(self.tickets_dir / "**" / "*.parquet"))
        return f"read_parquet({pattern}, hive_partitioning=true, union_by_name=true)"

    def read_dimension(self, name: str) -> pa.Table | None:
        path = self.dimension_path(name)
        return pq.read_table(path) if path.exists() else None

    def write_dimension(self, name: str, table: pa.Table) -> Path:
        schema = DIMENSION_SCHEMAS[name]
        missing = [f.name for f in schema if f.name not in table.column_names]
        if missing:
            raise ValueError(f"dimension {name}: missing columns {missing}")
        ordered = table.select(schema.names).cast(schema)
        path = self.dimension_path(name)
        with atomic_path(path) as tmp:
            pq.write_table(ordered, tmp)
        return path

    def read_manifest(self) -> dict[str, Any]:
        if not self.manifest_path.exists():
            return {"files": {}}
        return json.loads(self.manifest_path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        write_json_atomic(self.manifest_path, manifest)

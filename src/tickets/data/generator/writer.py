"""Streamed, reproducible Parquet writing: month partitions for tickets, plain files for exports.

Tickets arrive in creation order, so each ``created_month=YYYY-MM`` partition is written by one
open writer at a time and closed when the stream moves past its month. Writer settings are
fixed (zstd, no per-run metadata), so the same data gives byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from tickets.data.warehouse import PARTITION_COLUMN

PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 1}
ROW_GROUP_ROWS = 262_144
# Columns with few distinct values; dictionary-encoding the others (ids, text, timestamps as
# text) only costs time before the writer falls back to plain encoding.
LOW_CARDINALITY = frozenset(
    {
        "status", "priority", "channel", "queue", "agent_id", "team", "product", "category",
        "x_issue_id", "x_language", "Queue", "Assigned To", "Assignment Group", "Product",
        "Category", "Issue ID", "Language", "u_language",
    }
)  # fmt: skip


def parquet_writer(path: Path, schema: pa.Schema) -> pq.ParquetWriter:
    path.parent.mkdir(parents=True, exist_ok=True)
    dictionary = [
        f.name for f in schema if pa.types.is_dictionary(f.type) or f.name in LOW_CARDINALITY
    ]
    return pq.ParquetWriter(path, schema, use_dictionary=dictionary, **PARQUET_OPTIONS)  # type: ignore[arg-type]


def write_parquet(path: Path, table: pa.Table) -> Path:
    """One whole table, with the same fixed settings as the streamed files."""
    with parquet_writer(path, table.schema) as writer:
        writer.write_table(table, row_group_size=ROW_GROUP_ROWS)
    return path


class MonthPartitionWriter:
    """Writes ticket chunks into ``<tickets_dir>/created_month=YYYY-MM/part-00000.parquet``."""

    def __init__(self, tickets_dir: Path, schema: pa.Schema) -> None:
        self.tickets_dir = tickets_dir
        self.schema = schema
        self.rows_by_month: dict[str, int] = {}
        self._month: str | None = None
        self._writer: pq.ParquetWriter | None = None

    def write(self, table: pa.Table, created_seconds: np.ndarray) -> None:
        """``table`` sorted by creation; ``created_seconds`` its creation epoch seconds."""
        months = created_seconds.astype("datetime64[s]").astype("datetime64[M]")
        bounds = np.flatnonzero(months[1:] != months[:-1]) + 1
        starts = np.concatenate([[0], bounds])
        ends = np.concatenate([bounds, [months.size]])
        for lo, hi in zip(starts, ends, strict=True):
            self._write_month(str(months[lo]), table.slice(int(lo), int(hi - lo)))

    def _write_month(self, month: str, rows: pa.Table) -> None:
        if month != self._month:
            if month in self.rows_by_month:
                raise ValueError(f"tickets for {month} arrived out of creation order")
            self.close()
            path = self.tickets_dir / f"{PARTITION_COLUMN}={month}" / "part-00000.parquet"
            self._writer, self._month = parquet_writer(path, self.schema), month
            self.rows_by_month[month] = 0
        assert self._writer is not None
        self._writer.write_table(rows, row_group_size=ROW_GROUP_ROWS)
        self.rows_by_month[month] += rows.num_rows

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._writer, self._month = None, None

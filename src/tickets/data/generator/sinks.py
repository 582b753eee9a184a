"""Streamed table files in the three bronze formats, each with fixed, reproducible settings."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from tickets.data.duck import connect
from tickets.data.generator.writer import ROW_GROUP_ROWS, parquet_writer


class TableSink(Protocol):
    path: Path
    rows: int

    def write(self, table: pa.Table) -> None: ...
    def close(self) -> None: ...


class ParquetSink:
    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path, self.rows = path, 0
        self._writer = parquet_writer(path, schema)

    def write(self, table: pa.Table) -> None:
        self._writer.write_table(table, row_group_size=ROW_GROUP_ROWS)
        self.rows += table.num_rows

    def close(self) -> None:
        self._writer.close()


class CsvSink:
    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path, self.rows = path, 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = pacsv.CSVWriter(path, schema, write_options=pacsv.WriteOptions())

    def write(self, table: pa.Table) -> None:
        self._writer.write_table(table)
        self.rows += table.num_rows

    def close(self) -> None:
        self._writer.close()


class JsonlSink:
    """One JSON object per line, rendered by DuckDB's ``to_json`` on one thread (row order)."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path, self.rows = path, 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = open(path, "wb")  # noqa: SIM115 - closed in close()
        self._con = connect(threads=1)

    def write(self, table: pa.Table) -> None:
        self._con.register("chunk", table)
        lines = self._con.sql("SELECT to_json(chunk)::VARCHAR AS j FROM chunk").to_arrow_table()
        self._con.unregister("chunk")
        text = pc.binary_join_element_wise(lines.column("j").combine_chunks(), "\n", "")
        _, offsets, data = text.buffers()
        bounds = np.frombuffer(offsets, dtype=np.int32)[[text.offset, text.offset + len(text)]]
        self._handle.write(memoryview(data)[bounds[0] : bounds[1]])
        self.rows += table.num_rows

    def close(self) -> None:
        self._handle.close()
        self._con.close()


SINKS: dict[str, type] = {"parquet": ParquetSink, "csv": CsvSink, "jsonl": JsonlSink}
SUFFIXES = {"parquet": ".parquet", "csv": ".csv", "jsonl": ".jsonl"}


def open_sink(folder: Path, stem: str, fmt: str, schema: pa.Schema) -> TableSink:
    if fmt not in SINKS:
        raise ValueError(f"unknown bronze format {fmt!r}; choose one of {sorted(SINKS)}")
    return SINKS[fmt](folder / f"{stem}{SUFFIXES[fmt]}", schema)  # type: ignore[no-any-return]

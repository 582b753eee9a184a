"""Open bronze exports (CSV, JSON, JSONL, Parquet; gzip too) as streams of Arrow batches.

DuckDB does the reading: it streams, detects gzip and delimiters, skips a UTF-8 byte-order mark
and renames duplicate headers (a second ``category`` becomes ``category_1``). CSV and JSON
values are read as text so ids keep their leading zeros; typing is the adapter's job.
Malformed CSV lines are captured with their line number instead of failing the whole file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from tickets.data.duck import connect, sql_literal

_SUFFIX_FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}


class SourceError(RuntimeError):
    """A bronze file cannot be read; the message names the file and the fix."""


def detect_format(path: Path, declared: str = "auto") -> str:
    if declared != "auto":
        return declared
    suffixes = [s.lower() for s in path.suffixes if s.lower() not in (".gz", ".gzip")]
    if suffixes and suffixes[-1] in _SUFFIX_FORMATS:
        return _SUFFIX_FORMATS[suffixes[-1]]
    raise SourceError(
        f"{path}: cannot tell the format from the name; set data.format to csv, json, "
        "jsonl or parquet"
    )


@dataclass
class BronzeSource:
    """An open bronze file: its columns and a batch stream of its records in file order."""

    path: Path
    format: str
    columns: list[str]
    _con: duckdb.DuckDBPyConnection
    _query: str

    def batches(self, rows: int) -> Iterator[pa.RecordBatch]:
        reader = self._con.sql(self._query).to_arrow_reader(rows)
        yield from reader

    def malformed_lines(self) -> pa.Table:
        """CSV lines DuckDB could not split into the header's columns (line, error, text)."""
        if self.format != "csv":
            return pa.table({"line": pa.array([], pa.int64())})
        return self._con.sql(
            "SELECT line, error_type || ': ' || error_message AS error, csv_line "
            "FROM bronze_rejects ORDER BY line"
        ).to_arrow_table()

    def close(self) -> None:
        self._con.close()


def open_bronze(
    path: str | Path, declared_format: str = "auto", delimiter: str | None = None
) -> BronzeSource:
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"no such input file: {path}")
    fmt = detect_format(path, declared_format)
    con = connect()
    query = _query(con, path, fmt, delimiter)
    try:
        columns = [row[0] for row in con.execute(f"DESCRIBE {query}").fetchall()]
    except duckdb.Error as err:
        con.close()
        raise SourceError(f"{path}: cannot read it as {fmt}: {err}") from err
    return BronzeSource(path=path, format=fmt, columns=columns, _con=con, _query=query)


def _query(con: duckdb.DuckDBPyConnection, path: Path, fmt: str, delimiter: str | None) -> str:
    literal = sql_literal(str(path))
    if fmt == "parquet":
        return f"SELECT * FROM read_parquet({literal})"
    if fmt == "csv":
        delim = f", delim={sql_literal(delimiter)}" if delimiter else ""
        return (
            f"SELECT * FROM read_csv({literal}, all_varchar=true, header=true{delim}, "
            "store_rejects=true, rejects_table='bronze_rejects', rejects_scan='bronze_scans')"
        )
    json_format = "newline_delimited" if fmt == "jsonl" else "auto"
    try:
        names = [
            row[0]
            for row in con.execute(
                f"DESCRIBE SELECT * FROM read_json({literal}, format={sql_literal(json_format)}, "
                "sample_size=-1)"
            ).fetchall()
        ]
    except duckdb.Error as err:
        raise SourceError(f"{path}: not valid {fmt}: {err}") from err
    fields = ", ".join(
        f"json_extract_string(json, {sql_literal('$.' + _json_key(n))}) AS {_ident(n)}"
        for n in names
    )
    return f"SELECT {fields} FROM read_json_objects({literal}, format={sql_literal(json_format)})"


def _json_key(name: str) -> str:
    return '"' + name.replace('"', '\\"') + '"'


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'

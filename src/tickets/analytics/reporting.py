"""Write the bundle into a run folder: tables (CSV + Parquet), summary.json, the enriched
tickets (written by the engine), report.html and manifest.json.

The caller hands a staging folder (``tickets.utils.io.atomic_directory``), so readers only ever
see a complete run folder.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from ibis.backends import BaseBackend

from tickets.analytics.comparison import HEADLINE
from tickets.analytics.compute import Bundle
from tickets.analytics.metrics import describe, population_exprs
from tickets.analytics.satisfaction import DriverSection
from tickets.analytics.windows import ReportWindow
from tickets.data.duck import sql_literal
from tickets.utils.io import write_json_atomic

TABLES = (
    "volume",
    "resolution_time",
    "sla_compliance",
    "csat",
    "csat_drivers",
    "agent_performance",
)
ENRICHED_FILE = "tickets_enriched.parquet"
_INTERNAL = ("created_s", "resolved_s")
NO_TICKETS = "No tickets in this window: nothing was received, resolved or open."


def enriched_export(enriched: ir.Table, window: ReportWindow) -> ir.Table:
    """The window's tickets (received, resolved or open at its end) with drill-down flags."""
    pops = population_exprs(enriched, window)
    flagged = enriched.mutate(
        in_received=pops["received"], in_resolved=pops["resolved"], in_backlog=pops["backlog"]
    )
    return flagged.filter(pops["active"]).drop(*_INTERNAL)


def write_enriched(backend: BaseBackend, expr: ir.Table, path: Path) -> int:
    """Stream the export to Parquet from the engine; returns the row count."""
    if backend.name == "duckdb":
        backend.to_parquet(expr, path)
    else:
        reader = backend.to_pyarrow_batches(expr)
        with reader, pq.ParquetWriter(path, reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
    return int(pq.ParquetFile(path).metadata.num_rows)


class BackgroundExport:
    """Writes the export with DuckDB on a second connection, in a thread, while the caller
    computes the aggregates and the report (the engine's threads run free of the GIL).

    The expression may only read engine tables visible to every connection of the database
    (the stored enriched tickets); ``result()`` waits for the file and returns its row count.
    """

    def __init__(self, backend: BaseBackend, expr: ir.Table, path: Path) -> None:
        self.path = path
        query = backend.compile(expr)
        self._cursor = backend.con.cursor()  # type: ignore[attr-defined]
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="export")
        self._closed = False
        self._future: Future[None] = self._pool.submit(self._copy, query)

    def _copy(self, query: str) -> None:
        copy = f"COPY ({query}) TO {sql_literal(str(self.path))} (FORMAT 'parquet')"
        self._cursor.execute(copy).fetchall()

    def result(self) -> int:
        try:
            self._future.result()
        finally:
            self.close()
        return int(pq.ParquetFile(self.path).metadata.num_rows)

    def close(self) -> None:
        """Stop (if still running) and wait; safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        if not self._future.done():
            self._cursor.interrupt()
        self._pool.shutdown(wait=True)
        self._cursor.close()


def write_table(folder: Path, name: str, frame: pd.DataFrame) -> dict[str, Any]:
    frame.to_csv(folder / f"{name}.csv", index=False)
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), folder / f"{name}.parquet")
    return {"rows": len(frame), "files": [f"{name}.csv", f"{name}.parquet"]}


def summary_payload(
    bundle: Bundle, drivers: DriverSection, context: dict[str, Any]
) -> dict[str, Any]:
    """The headline numbers and how they were made (summary.json)."""
    return {
        **context,
        "window": bundle.window.as_dict(),
        "previous_window": bundle.previous_window.as_dict(),
        "empty": bundle.is_empty,
        "message": NO_TICKETS if bundle.is_empty else None,
        "headline": bundle.headline,
        "previous": bundle.previous_headline,
        "comparison": bundle.comparison,
        "sla": {
            "clock": context.get("sla_clock"),
            "source_disagreement": bundle.disagreement,
            "policies": bundle.policies,
        },
        "csat_drivers": {
            "status": drivers.status,
            "message": drivers.message,
            "model": drivers.model,
            "top": [
                {k: d[k] for k in ("rank", "feature", "direction", "importance", "effect")}
                for d in drivers.drivers[:5]
            ],
        },
        "anomalies": bundle.extras.get("anomalies_summary"),
        "metrics": describe(HEADLINE),
    }


def write_bundle(
    folder: Path,
    bundle: Bundle,
    drivers: DriverSection,
    summary: dict[str, Any],
    html: str,
) -> dict[str, Any]:
    """Write every table, summary.json and report.html; returns per-output row counts."""
    outputs: dict[str, Any] = {}
    frames = {**bundle.tables, "csat_drivers": drivers.table()}
    for name in TABLES:
        outputs[name] = write_table(folder, name, frames[name])
    write_json_atomic(folder / "summary.json", summary)
    (folder / "report.html").write_text(html, encoding="utf-8")
    return outputs

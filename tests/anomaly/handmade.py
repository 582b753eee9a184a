"""Tiny hand-made warehouses for the anomaly tests: tickets from a list of daily counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tickets.anomaly.settings import AnomalySettings
from tickets.data.warehouse import Warehouse
from tickets.schemas import TICKET_SCHEMA

START = dt.date(2024, 1, 1)  # a Monday


def daily_tickets(
    counts: list[int],
    start: dt.date = START,
    prefix: str = "T",
    hours: tuple[int, ...] = (9, 10, 11, 12, 13, 14, 15, 16),
    **columns: Any,
) -> list[dict[str, Any]]:
    """``counts[i]`` tickets on day i, spread round-robin over ``hours`` (UTC), with constant
    column values (or callables of the ticket number)."""
    rows, number = [], 0
    for i, n in enumerate(counts):
        day = start + dt.timedelta(days=i)
        for k in range(n):
            hour = hours[k % len(hours)]
            created = dt.datetime.combine(day, dt.time(hour, (k * 7) % 60), tzinfo=dt.UTC)
            row = {"ticket_id": f"{prefix}-{number:06d}", "created_at": created}
            for name, value in columns.items():
                row[name] = value(number) if callable(value) else value
            rows.append(row)
            number += 1
    return rows


def write_warehouse(root: Path, rows: list[dict[str, Any]]) -> Warehouse:
    """Canonical tickets partitioned by created month, as ingest writes them."""
    warehouse = Warehouse.at(root)
    by_month: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        full = {name: row.get(name) for name in TICKET_SCHEMA.names}
        by_month.setdefault(row["created_at"].strftime("%Y-%m"), []).append(full)
    for month, part in by_month.items():
        folder = warehouse.tickets_dir / f"created_month={month}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(part, schema=TICKET_SCHEMA), folder / "part-0.parquet")
    return warehouse


def settings(root: Path, tmp: Path, **overrides: Any) -> AnomalySettings:
    base: dict[str, Any] = {
        "warehouse": root,
        "outputs_root": tmp / "outputs",
        "baselines_dir": tmp / "baselines",
        "detectors": ("volume",),
    }
    return AnomalySettings(**{**base, **overrides})

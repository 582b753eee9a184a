"""The hand-made warehouse every metric test checks against (tickets in
tests/fixtures/analytics/handmade_tickets.csv, one note per ticket).

Window: Mon 2024-03-04 → Sun 2024-03-10 (UTC); previous window 2024-02-26 → 2024-03-03.
SLA policies:
- default row (queue null) for ``high``: first response 4 h, resolution 16 h, on a UTC
  Mon-Fri 09:00-17:00 calendar with Monday 2024-03-04 as a holiday;
- APAC ``high``: 2 h / 8 h on an Asia/Tokyo Mon-Fri 09:00-18:00 calendar;
- other priorities fall back to conf targets (low 24/120, medium 8/72) on the default row's
  calendar (the warehouse's own default calendar wins over conf's).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from tickets.data.warehouse import Warehouse
from tickets.schemas import TICKET_SCHEMA

from .builders import write_dimension, write_tickets

CSV = Path(__file__).resolve().parents[1] / "fixtures" / "analytics" / "handmade_tickets.csv"
WINDOW = {"start_date": dt.date(2024, 3, 4), "end_date": dt.date(2024, 3, 10)}
HOLIDAY = dt.date(2024, 3, 4)


def ticket_rows() -> list[dict]:
    types = {f.name: f.type for f in TICKET_SCHEMA if f.name != "note"}
    options = pacsv.ConvertOptions(
        column_types={
            k: (pa.timestamp("us") if pa.types.is_timestamp(v) else v) for k, v in types.items()
        },
        strings_can_be_null=True,
    )
    table = pacsv.read_csv(CSV, convert_options=options).drop_columns(["note"])
    rows = table.to_pylist()
    for row in rows:
        for key, value in row.items():
            if isinstance(value, dt.datetime):
                row[key] = value.replace(tzinfo=dt.UTC)
    return rows


def build(root: Path) -> Warehouse:
    warehouse = Warehouse.at(root)
    write_tickets(warehouse, ticket_rows())
    write_dimension(
        warehouse,
        "sla_policies",
        [
            {
                "queue": None,
                "priority": "high",
                "first_response_target_hours": 4.0,
                "resolution_target_hours": 16.0,
                "calendar_timezone": "UTC",
                "working_days": [1, 2, 3, 4, 5],
                "work_start": "09:00",
                "work_end": "17:00",
                "holidays": [HOLIDAY],
            },
            {
                "queue": "APAC",
                "priority": "high",
                "first_response_target_hours": 2.0,
                "resolution_target_hours": 8.0,
                "calendar_timezone": "Asia/Tokyo",
                "working_days": [1, 2, 3, 4, 5],
                "work_start": "09:00",
                "work_end": "18:00",
                "holidays": [],
            },
        ],
    )
    write_dimension(
        warehouse,
        "agents",
        [
            {"agent_id": "A1", "name": "Ada", "team": "Tier1"},
            {"agent_id": "A2", "name": "Bo", "team": "Tier1"},
        ],
    )
    write_dimension(
        warehouse,
        "customers",
        [
            {"customer_id": "C1", "segment": "enterprise"},
            {"customer_id": "C2", "segment": "smb"},
        ],
    )
    return warehouse

"""A tiny hand-made warehouse: three issues, twelve solved tickets each, one KB article each."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tickets.data.warehouse import Warehouse
from tickets.schemas.tickets import TICKET_SCHEMA

ISSUES = {
    "Billing": (
        "KB-0001",
        "Duplicate charge on an invoice",
        "1. Find both payments. 2. Void the duplicate authorisation. 3. Confirm the refund.",
        [
            "charged twice for one invoice",
            "double charge on my card",
            "two payments taken for the same bill",
            "billed twice this month",
        ],
    ),
    "Connectivity": (
        "KB-0002",
        "Wi-Fi keeps dropping",
        "1. Restart the router. 2. Move to channel 6. 3. Update the firmware.",
        [
            "wifi keeps dropping every hour",
            "router loses the wireless signal",
            "internet connection drops at night",
            "no wifi after the update",
        ],
    ),
    "Login": (
        "KB-0003",
        "Cannot log in",
        "1. Reset the password. 2. Clear the browser cookies. 3. Unlock the account.",
        [
            "cannot log in to my account",
            "password reset email never arrives",
            "account locked after login attempts",
            "login page says wrong password",
        ],
    ),
}
MOODS = ("Hello, ", "Urgent: ", "Please help, ", "")


def write_tiny_warehouse(root: Path) -> Warehouse:
    warehouse = Warehouse.at(root)
    rows, start = [], dt.datetime(2024, 1, 1, 9, tzinfo=dt.UTC)
    for category, (kb_id, _, _, phrases) in ISSUES.items():
        for n in range(12):
            created = start + dt.timedelta(hours=len(rows) * 5)
            rows.append(
                {
                    "ticket_id": f"T-{len(rows):04d}",
                    "created_at": created,
                    "resolved_at": created + dt.timedelta(hours=3),
                    "status": "closed",
                    "priority": "medium",
                    "channel": "email",
                    "product": "Router-X",
                    "category": category,
                    "subject": phrases[n % 4],
                    "body": f"{MOODS[n % 4]}{phrases[n % 4]} (case {n}).",
                    "resolution": f"Followed [{kb_id}] and the customer confirmed the fix.",
                }
            )
    table = pa.Table.from_pylist(rows, schema=TICKET_SCHEMA)
    folder = root / "tickets" / "created_month=2024-01"
    folder.mkdir(parents=True)
    pq.write_table(table, folder / "part-0.parquet")
    kb = [
        {
            "kb_id": kb_id,
            "title": title,
            "body": body,
            "product": "Router-X",
            "issue": category,
            "created_at": start,
        }
        for category, (kb_id, title, body, _) in ISSUES.items()
    ]
    from tickets.schemas.dimensions import KB_ARTICLES_SCHEMA

    warehouse.write_dimension("kb_articles", pa.Table.from_pylist(kb, schema=KB_ARTICLES_SCHEMA))
    return warehouse

"""A hand-made silver warehouse: 8 solved tickets over 3 problems, 1 open ticket, 3 KB articles.

Problems: Router-X WAN drops (E1042, fixed by KB-0001), Printer-P paper jams (KB-0002), and
CloudSync login loops (KB-0003). TCK-9 is open (no resolution) and must not be indexed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tickets.data.warehouse import Warehouse
from tickets.schemas import TICKET_SCHEMA

KB_ARTICLES = [
    {
        "kb_id": "KB-0001",
        "title": "Router-X: WAN connection drops with error E1042",
        "body": (
            "Symptoms: the Router-X drops the WAN link with E1042.\n"
            "1. Open the Router-X admin page.\n"
            "2. Disable SIP ALG and set the MTU to 1492.\n"
            "3. Update the firmware to 4.3.0 or later."
        ),
        "product": "Router-X",
        "issue": "Connectivity",
    },
    {
        "kb_id": "KB-0002",
        "title": "Printer-P: paper jams in tray 2",
        "body": (
            "1. Remove tray 2 and take out the jammed sheets.\n"
            "2. Clean the pickup rollers with a dry cloth.\n"
            "3. Load paper below the fill line."
        ),
        "product": "Printer-P",
        "issue": "Hardware Fault",
    },
    {
        "kb_id": "KB-0003",
        "title": "CloudSync: sign-in keeps looping back to the login page",
        "body": (
            "1. Clear the browser cookies for cloudsync.example.\n"
            "2. Reset the SSO session in the admin console.\n"
            "3. Sign in again with the company account."
        ),
        "product": "CloudSync",
        "issue": "Login & Access",
    },
]

TICKETS = [
    (
        "TCK-1",
        "Router-X",
        "Connectivity",
        "WAN keeps dropping E1042",
        "Our Router-X loses the internet every hour, log shows E1042.",
        "Disabled SIP ALG and set the MTU to 1492 as in [KB-0001]. Customer confirmed the fix.",
    ),
    (
        "TCK-2",
        "Router-X",
        "Connectivity",
        "internet drops on Router-X",
        "Router-X WAN link down E1042 several times a day.",
        "Updated the firmware to 4.3.0, see [KB-0001].",
    ),
    (
        "TCK-3",
        "Router-X",
        "Connectivity",
        "E1042 again",
        "WAN connection drops, error E1042 on the Router-X.",
        "Disabled SIP ALG and set the MTU to 1492 as in [KB-0001]. Customer confirmed the fix.",
    ),
    (
        "TCK-4",
        "Printer-P",
        "Hardware Fault",
        "paper jam tray 2",
        "Printer-P jams paper in tray 2 every morning.",
        "Cleaned the pickup rollers with a dry cloth following [KB-0002].",
    ),
    (
        "TCK-5",
        "Printer-P",
        "Hardware Fault",
        "printer keeps jamming",
        "The Printer-P jams on every print job from tray 2.",
        "Removed the jammed sheets and reloaded paper below the fill line, see [KB-0002].",
    ),
    (
        "TCK-6",
        "CloudSync",
        "Login & Access",
        "login loop",
        "CloudSync sends me back to the login page after I sign in.",
        "Cleared the browser cookies and reset the SSO session as in [KB-0003].",
    ),
    (
        "TCK-7",
        "CloudSync",
        "Login & Access",
        "cannot sign in to CloudSync",
        "Sign-in keeps looping back to the login page in CloudSync.",
        "Reset the SSO session in the admin console, see [KB-0003].",
    ),
    (
        "TCK-8",
        "CloudSync",
        "Login & Access",
        "SSO loop",
        "After SSO login CloudSync returns to the sign-in page again.",
        "Cleared the browser cookies and reset the SSO session as in [KB-0003].",
    ),
]


def ticket_row(
    ticket_id: str,
    product: str,
    category: str,
    subject: str,
    body: str,
    resolution: str | None,
    day: int,
) -> dict[str, Any]:
    created = dt.datetime(2024, 1, day, 9, tzinfo=dt.UTC)
    solved = resolution is not None
    return {
        "ticket_id": ticket_id,
        "created_at": created,
        "resolved_at": created + dt.timedelta(hours=5) if solved else None,
        "status": "closed" if solved else "open",
        "priority": "medium",
        "channel": "email",
        "queue": "Support",
        "product": product,
        "category": category,
        "subject": subject,
        "body": body,
        "resolution": resolution,
    }


def write_tickets(root: Path, rows: list[dict[str, Any]], part: str = "part-0") -> None:
    table = pa.Table.from_pylist(rows, schema=TICKET_SCHEMA)
    folder = root / "tickets" / "created_month=2024-01"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, folder / f"{part}.parquet")


def write_handmade_warehouse(root: Path) -> Path:
    rows = [ticket_row(*t, day=i + 1) for i, t in enumerate(TICKETS)]
    rows.append(ticket_row("TCK-9", "Router-X", "Connectivity", "new router", "help", None, 20))
    write_tickets(root, rows)
    warehouse = Warehouse.at(root)
    kb = [dict(a, created_at=dt.datetime(2023, 1, 1, tzinfo=dt.UTC)) for a in KB_ARTICLES]
    warehouse.write_dimension("kb_articles", pa.Table.from_pylist(kb))
    return root

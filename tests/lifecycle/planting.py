"""Plant a shift in generated tickets: cut a warehouse at a date, and turn a share of the later
tickets into a brand-new issue (its own category, vocabulary, channel and slower resolution).

The planted truth, for the tests: the new class is ``NEW_CATEGORY``; planted tickets are on
``chat`` and take three times as long to resolve.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tickets.data.duck import connect
from tickets.data.warehouse import Warehouse
from tickets.schemas.tickets import TICKET_SCHEMA

NEW_CATEGORY = "Satellite Outage"
NEW_ISSUE = "satellite-uplink-outage"
_REGIONS = ["north ridge", "lakeside", "harbour district", "east valley", "pine hills"]
_PARTS = [
    "uplink beacon",
    "dish alignment",
    "orbital handover",
    "ka-band transponder",
    "ground station relay",
]
_CODES = ["SAT-901", "SAT-902", "SAT-917", "SAT-933"]


def read_tickets(root: Path) -> pd.DataFrame:
    con = connect()
    scan = Warehouse.at(root).tickets_scan_sql()
    frame = con.sql(f"SELECT * FROM {scan} ORDER BY created_at, ticket_id").to_arrow_table()
    con.close()
    return frame.to_pandas().drop(columns=["created_month"], errors="ignore")


def write_tickets(frame: pd.DataFrame, root: Path) -> None:
    """Canonical monthly partitions (``created_month=YYYY-MM/part-0.parquet``)."""
    tickets = Path(root) / "tickets"
    if tickets.exists():
        shutil.rmtree(tickets)
    months = pd.to_datetime(frame["created_at"], utc=True).dt.strftime("%Y-%m")
    for month, part in frame.groupby(months.to_numpy()):
        folder = tickets / f"created_month={month}"
        folder.mkdir(parents=True)
        pq.write_table(_arrow(part), folder / "part-0.parquet")


def _arrow(frame: pd.DataFrame) -> pa.Table:
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    fields = [
        TICKET_SCHEMA.field(n) if n in TICKET_SCHEMA.names else table.schema.field(n)
        for n in table.column_names
    ]
    return table.cast(pa.schema(fields))


def cut_warehouse(source: Path, target: Path, before: pd.Timestamp) -> pd.DataFrame:
    """Copy ``source`` to ``target`` keeping tickets created before ``before``; returns the
    tickets that were left out (the "new data")."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("tickets", "bronze"))
    frame = read_tickets(source)
    created = pd.to_datetime(frame["created_at"], utc=True)
    write_tickets(frame[created < before], target)
    return frame[created >= before].reset_index(drop=True)


def plant_new_issue(frame: pd.DataFrame, share: float, seed: int = 0) -> pd.DataFrame:
    """Turn ``share`` of the tickets into the new issue (text, category, channel, slowness)."""
    out = frame.copy()
    rng = np.random.default_rng(seed)
    picked = rng.random(len(out)) < share
    n = int(picked.sum())
    region, part, code = (rng.choice(v, n) for v in (_REGIONS, _PARTS, _CODES))
    out.loc[picked, "subject"] = [
        f"{p} down in {r} ({c})" for p, r, c in zip(part, region, code, strict=True)
    ]
    out.loc[picked, "body"] = [
        f"Since this morning our satellite terminal in {r} reports {c}: the {p} keeps failing "
        "and the link drops every few minutes. Telemetry shows no carrier lock."
        for p, r, c in zip(part, region, code, strict=True)
    ]
    out.loc[picked, "category"] = NEW_CATEGORY
    out.loc[picked, "x_issue_id"] = NEW_ISSUE
    out.loc[picked, "channel"] = "chat"
    created = pd.to_datetime(out["created_at"], utc=True)
    for column in ("resolved_at", "closed_at"):
        late = created + (pd.to_datetime(out[column], utc=True) - created) * 3
        out.loc[picked, column] = late[picked]
    stamps = out.loc[picked, ["updated_at", "resolved_at", "closed_at"]].apply(
        pd.to_datetime, utc=True
    )
    out.loc[picked, "updated_at"] = stamps.max(axis=1)
    return out

"""Reading a generated warehouse back for assertions."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd

from tickets.data.duck import connect
from tickets.data.warehouse import Warehouse


def tickets(root: Path) -> pd.DataFrame:
    con = connect()
    frame = con.execute(f"SELECT * FROM {Warehouse.at(root).tickets_scan_sql()}").df()
    con.close()
    return frame.sort_values("ticket_id").reset_index(drop=True)


def dimension(root: Path, name: str) -> pd.DataFrame:
    table = Warehouse.at(root).read_dimension(name)
    assert table is not None, f"{name}.parquet missing in {root}"
    return table.to_pandas()


def truth(root: Path) -> dict[str, Any]:
    return json.loads((root / "ground_truth.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def anomaly(root: Path, kind: str) -> dict[str, Any]:
    return next(a for a in truth(root)["anomalies"] if a["type"] == kind)


def digests(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root``, by relative path."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def window(frame: pd.DataFrame, entry: dict[str, Any]) -> pd.Series:
    start, end = pd.Timestamp(entry["start"]), pd.Timestamp(entry["end"])
    return (frame["created_at"] >= start) & (frame["created_at"] < end)

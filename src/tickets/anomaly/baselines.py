"""Persisted baselines, so a run over a new window reuses what earlier runs aggregated.

Per warehouse (and settings fingerprint) the store keeps the aggregates every detector works
from: hourly counts per series, term counts per day, daily sentiment sums, the CSAT adjustment
and the fitted seasonal profile, trimmed to the last ``KEEP_DAYS`` days. An incremental run
scans the warehouse only from a few days before the stored end (late tickets of those days are
picked up), merges, and refits the seasonal profile only when it is older than ``refit_days``.

The store is invalidated (full rebuild) when the settings fingerprint changes, or when a ticket
file of a month before the rescanned days was added or changed (back-filled history).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tickets.data.warehouse import Warehouse
from tickets.utils.io import atomic_directory, sha256_text, write_json_atomic

STORE_VERSION = 1
KEEP_DAYS = 150  # history kept: the longest baseline (56 + 7 days) plus room to refit profiles
OVERLAP_DAYS = 3  # days before the stored end that are rescanned (late-arriving tickets)
FRAMES = ("hourly", "term_counts", "term_docs", "sentiment")


@dataclass
class StoredBaselines:
    through: dt.date  # last local day covered
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    csat_sql: str | None = None
    profile: dict[str, Any] | None = None  # keys, weekday, hour_share, fitted_through
    files: dict[str, list[float]] = field(default_factory=dict)


def file_stamps(warehouse: Warehouse) -> dict[str, list[float]]:
    stamps = {}
    for path in warehouse.ticket_files():
        info = path.stat()
        stamps[str(path.relative_to(warehouse.root))] = [info.st_size, info.st_mtime]
    return stamps


def changed_months(old: dict[str, list[float]], new: dict[str, list[float]]) -> set[str]:
    """created_month values whose files were added, changed or removed."""
    paths = {p for p in set(old) | set(new) if old.get(p) != new.get(p)}
    months = set()
    for path in paths:
        for part in Path(path).parts:
            if part.startswith("created_month="):
                months.add(part.split("=", 1)[1])
    return months


@dataclass(frozen=True)
class BaselineStore:
    root: Path
    warehouse: Warehouse
    fingerprint: dict[str, Any]

    @property
    def folder(self) -> Path:
        key = sha256_text(
            str(self.warehouse.root.resolve())
            + json.dumps(self.fingerprint, sort_keys=True, default=str)
        )
        return self.root / key[:16]

    def load(self) -> StoredBaselines | None:
        state_path = self.folder / "state.json"
        if not state_path.exists():
            return None
        state = json.loads(state_path.read_text(encoding="utf-8"))
        if state.get("version") != STORE_VERSION:
            return None
        frames = {
            name: pd.read_parquet(self.folder / f"{name}.parquet")
            for name in FRAMES
            if (self.folder / f"{name}.parquet").exists()
        }
        profile = None
        if (self.folder / "profile.npz").exists():
            arrays = np.load(self.folder / "profile.npz")
            profile = {
                **state["profile"],
                "weekday": arrays["weekday"],
                "hour_share": arrays["hour_share"],
            }
        return StoredBaselines(
            through=dt.date.fromisoformat(state["through"]),
            frames=frames,
            csat_sql=state.get("csat_sql"),
            profile=profile,
            files=state.get("files", {}),
        )

    def save(self, stored: StoredBaselines) -> Path:
        with atomic_directory(self.folder) as staging:
            for name, frame in stored.frames.items():
                if frame is not None:
                    frame.to_parquet(staging / f"{name}.parquet", index=False)
            state: dict[str, Any] = {
                "version": STORE_VERSION,
                "warehouse": str(self.warehouse.root),
                "fingerprint": self.fingerprint,
                "through": stored.through.isoformat(),
                "csat_sql": stored.csat_sql,
                "files": stored.files,
                "saved_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            }
            if stored.profile is not None:
                np.savez(
                    staging / "profile.npz",
                    weekday=stored.profile["weekday"],
                    hour_share=stored.profile["hour_share"],
                )
                state["profile"] = {
                    "keys": [list(k) for k in stored.profile["keys"]],
                    "fitted_through": stored.profile["fitted_through"],
                }
            write_json_atomic(staging / "state.json", state)
        return self.folder


def merge_days(
    old: pd.DataFrame | None, new: pd.DataFrame, column: str, first_new: Any
) -> pd.DataFrame:
    """Rows of ``old`` before ``first_new`` plus all of ``new`` (the rescanned days win)."""
    if old is None or old.empty:
        return new.reset_index(drop=True)
    if new.empty:
        return old[old[column] < first_new].reset_index(drop=True)
    kept = old[old[column] < first_new]
    return pd.concat([kept, new], ignore_index=True)


def trim_days(frame: pd.DataFrame, column: str, earliest: Any) -> pd.DataFrame:
    return frame[frame[column] >= earliest].reset_index(drop=True)

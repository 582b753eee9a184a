"""The promotion history (``<lifecycle>/history.json``): what each promotion replaced.

Every promotion appends one record naming, per component, what was live before (``from``)
and what went live (``to``). ``--rollback`` undoes the newest record not yet rolled back, so
repeated rollbacks walk back through the history, one promotion at a time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tickets.utils.io import write_json_atomic
from tickets.utils.timeutil import utc_now


class HistoryError(RuntimeError):
    """The history file cannot be read; the message says where and what to do."""


def load_history(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise HistoryError(
            f"{path} is not valid JSON ({err}); restore it from a backup or move it aside "
            "(rollback needs it, promotion starts a new one)"
        ) from err
    return list(data.get("promotions", []))


def save_history(path: Path, records: list[dict[str, Any]]) -> None:
    write_json_atomic(path, {"schema_version": 1, "promotions": records})


def new_record(run_id: str, reason: str) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "at": utc_now().isoformat(timespec="seconds"),
        "reason": reason,
        "models": {},
        "index": None,
        "drivers": None,
        "rolled_back_at": None,
    }


def append_record(path: Path, record: dict[str, Any]) -> None:
    records = load_history(path)
    records.append(record)
    save_history(path, records)


def last_active(records: list[dict[str, Any]]) -> int | None:
    """Index of the newest record that was not rolled back (None: nothing to roll back)."""
    for i in range(len(records) - 1, -1, -1):
        if not records[i].get("rolled_back_at"):
            return i
    return None


def mark_rolled_back(path: Path, index: int, rollback_run: str) -> None:
    records = load_history(path)
    records[index]["rolled_back_at"] = utc_now().isoformat(timespec="seconds")
    records[index]["rolled_back_by"] = rollback_run
    save_history(path, records)

"""Read anomalies found by ``python main.py anomalies`` (its ``anomalies.json``) for the report.

Only the file format is shared (no import of the anomaly package): a list of objects, or an
object with an ``anomalies`` list, each with ``type``, ``dimension``, ``value``, ``start`` and
``end`` (ISO dates or instants). ``auto`` picks the newest run under ``outputs/anomalies/``
whose ``warehouse`` (if recorded) is this warehouse.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tickets.analytics.windows import ReportWindow, local_date


@dataclass(frozen=True)
class Anomaly:
    label: str
    kind: str
    start: dt.date
    end: dt.date
    details: dict[str, Any]


def find_anomalies_file(setting: str | None, outputs_root: Path, warehouse: Path) -> Path | None:
    if not setting:
        return None
    if setting != "auto":
        return Path(setting)
    runs = sorted(outputs_root.glob("anomalies/*/anomalies.json"), reverse=True)
    for path in runs:
        recorded = _load(path).get("warehouse")
        if recorded is None or Path(str(recorded)).resolve() == warehouse.resolve():
            return path
    return None


def _load(path: Path) -> dict[str, Any]:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return payload if isinstance(payload, dict) else {"anomalies": payload}


def _day(value: Any, timezone: str, is_end: bool = False) -> dt.date | None:
    """The local date of an ISO date or instant; an end instant at midnight is exclusive."""
    if value is None:
        return None
    text = str(value).replace("Z", "+00:00")
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        stamp = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)
    if is_end:
        stamp -= dt.timedelta(microseconds=1)
    return local_date(stamp, timezone)


def load_anomalies(path: Path, window: ReportWindow) -> tuple[list[Anomaly], str | None]:
    """Anomalies overlapping the window, and a problem message if the file is unusable."""
    if not path.exists():
        return [], f"anomalies file {path} does not exist"
    items = _load(path).get("anomalies")
    if not isinstance(items, list):
        return [], f"{path}: expected a list of anomalies (or an object with 'anomalies')"
    found = []
    for item in items:
        if not isinstance(item, dict):
            continue
        start = _day(item.get("start"), window.timezone)
        end = _day(item.get("end"), window.timezone, is_end=True) or start
        if start is None or end is None or end < window.start or start > window.end:
            continue
        kind = str(item.get("type", "anomaly"))
        label = f"{kind}: {item.get('dimension', '')}={item.get('value', '')}".rstrip("=: ")
        found.append(Anomaly(label, kind, start, max(start, end), item))
    return sorted(found, key=lambda a: (a.start, a.label)), None

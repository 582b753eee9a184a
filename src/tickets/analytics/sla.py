"""SLA policies: which targets and which business calendar apply to each (queue, priority).

Lookup order for a ticket (Zendesk/ServiceNow style "most specific policy wins"):
1. the ``sla_policies`` row for its queue and priority;
2. the row with a null queue for its priority (the warehouse-wide default);
3. the ``conf/sla`` targets and calendar.

The calendar of a (queue, priority) comes from the same row; calendar fields left null fall back
to conf. Tickets without a priority (or with one that has no target) still get their queue's
calendar, so business durations exist for every ticket, but they have no SLA targets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from tickets.analytics.business_time import BusinessCalendar
from tickets.analytics.settings import SlaSettings, SlaTarget

NO_KEY = ""  # join key standing for a null queue or priority


@dataclass(frozen=True)
class ResolvedPolicies:
    """Distinct calendars (index = calendar_id) and the (queue, priority) → policy lookup."""

    calendars: list[BusinessCalendar]
    lookup: pa.Table  # queue_key, priority_key, calendar_id, *_target_hours, policy_source


def _calendar_from_row(row: dict[str, Any], fallback: BusinessCalendar) -> BusinessCalendar:
    where = f"sla_policies row queue={row.get('queue')!r} priority={row.get('priority')!r}"
    holidays = row.get("holidays")
    calendar = BusinessCalendar(
        timezone=row.get("calendar_timezone") or fallback.timezone,
        working_days=tuple(int(d) for d in (row.get("working_days") or fallback.working_days)),
        work_start=row.get("work_start") or fallback.work_start,
        work_end=row.get("work_end") or fallback.work_end,
        holidays=tuple(holidays) if holidays is not None else fallback.holidays,
    )
    return calendar.validate(where)


def _target(row: dict[str, Any]) -> SlaTarget:
    return SlaTarget(row.get("first_response_target_hours"), row.get("resolution_target_hours"))


def _index_rows(policies: pa.Table | None) -> dict[tuple[str | None, str], dict[str, Any]]:
    if policies is None:
        return {}
    rows = policies.to_pylist()
    return {(r["queue"], str(r["priority"]).strip().lower()): r for r in rows}


def _queue_rows(
    rows: dict[tuple[str | None, str], dict[str, Any]], queue: str | None
) -> list[dict[str, Any]]:
    return [row for (q, _), row in sorted(rows.items(), key=lambda kv: str(kv[0])) if q == queue]


def _resolve_one(
    queue: str | None,
    priority: str | None,
    rows: dict[tuple[str | None, str], dict[str, Any]],
    defaults: SlaSettings,
) -> tuple[BusinessCalendar, SlaTarget | None, str]:
    key = (priority or "").strip().lower()
    if key:
        specific = rows.get((queue, key)) if queue is not None else None
        if specific is not None:
            return _calendar_from_row(specific, defaults.calendar), _target(specific), "queue"
        default_row = rows.get((None, key))
        if default_row is not None:
            return (
                _calendar_from_row(default_row, defaults.calendar),
                _target(default_row),
                "default_row",
            )
    calendar_rows = (_queue_rows(rows, queue) if queue is not None else []) or _queue_rows(
        rows, None
    )
    calendar = (
        _calendar_from_row(calendar_rows[0], defaults.calendar)
        if calendar_rows
        else defaults.calendar
    )
    target = defaults.targets.get(key)
    return calendar, target, "conf" if target is not None else "none"


def resolve_policies(
    policies: pa.Table | None,
    defaults: SlaSettings,
    combos: Sequence[tuple[str | None, str | None]],
) -> ResolvedPolicies:
    """Resolve every (queue, priority) present in the data to its calendar and targets."""
    rows = _index_rows(policies)
    calendars: list[BusinessCalendar] = []
    columns: dict[str, list[Any]] = {
        name: []
        for name in (
            "queue_key",
            "priority_key",
            "calendar_id",
            "first_response_target_hours",
            "resolution_target_hours",
            "policy_source",
        )
    }
    for queue, priority in sorted(set(combos), key=lambda c: (str(c[0]), str(c[1]))):
        calendar, target, source = _resolve_one(queue, priority, rows, defaults)
        if calendar not in calendars:
            calendars.append(calendar)
        columns["queue_key"].append(NO_KEY if queue is None else queue)
        columns["priority_key"].append(NO_KEY if priority is None else priority)
        columns["calendar_id"].append(calendars.index(calendar))
        columns["first_response_target_hours"].append(target and target.first_response_hours)
        columns["resolution_target_hours"].append(target and target.resolution_hours)
        columns["policy_source"].append(source)
    if not calendars:
        calendars.append(defaults.calendar)
    schema = pa.schema(
        [
            ("queue_key", pa.string()),
            ("priority_key", pa.string()),
            ("calendar_id", pa.int64()),
            ("first_response_target_hours", pa.float64()),
            ("resolution_target_hours", pa.float64()),
            ("policy_source", pa.string()),
        ]
    )
    return ResolvedPolicies(calendars, pa.table(columns, schema=schema))


def describe_policies(resolved: ResolvedPolicies) -> list[dict[str, Any]]:
    """A JSON-friendly summary for the manifest and the report."""
    out = []
    for row in resolved.lookup.to_pylist():
        calendar = resolved.calendars[row["calendar_id"]]
        out.append({**row, "calendar": calendar.describe()})
    return out


def holidays_from_conf(values: Sequence[Any]) -> tuple[dt.date, ...]:
    return tuple(v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)) for v in values)

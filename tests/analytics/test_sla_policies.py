"""Which SLA targets and calendar apply to a (queue, priority): most specific policy wins."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from tickets.analytics.business_time import BusinessCalendar
from tickets.analytics.settings import SlaSettings, SlaTarget
from tickets.analytics.sla import resolve_policies
from tickets.schemas.dimensions import SLA_POLICIES_SCHEMA

CONF = SlaSettings(
    "business",
    BusinessCalendar("UTC", (1, 2, 3, 4, 5), "09:00", "17:00"),
    {"high": SlaTarget(4, 24), "low": SlaTarget(24, 120)},
)


def policies(*rows: dict) -> pa.Table:
    full = [{name: row.get(name) for name in SLA_POLICIES_SCHEMA.names} for row in rows]
    return pa.Table.from_pylist(full, schema=SLA_POLICIES_SCHEMA)


TABLE = policies(
    {
        "queue": "Billing",
        "priority": "high",
        "first_response_target_hours": 2.0,
        "resolution_target_hours": 8.0,
        "calendar_timezone": "Europe/London",
        "working_days": [1, 2, 3, 4, 5],
        "work_start": "09:00",
        "work_end": "17:30",
        "holidays": [dt.date(2024, 12, 25)],
    },
    {
        "queue": None,
        "priority": "high",
        "first_response_target_hours": 3.0,
        "resolution_target_hours": 12.0,
        "calendar_timezone": "America/New_York",
        "working_days": [1, 2, 3, 4, 5, 6],
    },
)


def lookup(combos):  # type: ignore[no-untyped-def]
    resolved = resolve_policies(TABLE, CONF, combos)
    rows = {(r["queue_key"], r["priority_key"]): r for r in resolved.lookup.to_pylist()}
    return rows, resolved.calendars


def test_queue_row_beats_default_row_beats_conf():
    rows, calendars = lookup([("Billing", "high"), ("Sales", "high"), ("Sales", "low")])
    billing, sales, sales_low = (
        rows[("Billing", "high")],
        rows[("Sales", "high")],
        rows[("Sales", "low")],
    )
    assert (billing["policy_source"], billing["resolution_target_hours"]) == ("queue", 8.0)
    assert calendars[billing["calendar_id"]].holidays == (dt.date(2024, 12, 25),)
    assert (sales["policy_source"], sales["resolution_target_hours"]) == ("default_row", 12.0)
    # the default row's fields left null (work hours) fall back to conf
    assert calendars[sales["calendar_id"]] == BusinessCalendar(
        "America/New_York", (1, 2, 3, 4, 5, 6), "09:00", "17:00", ()
    )
    assert (sales_low["policy_source"], sales_low["resolution_target_hours"]) == ("conf", 120)


def test_tickets_without_priority_get_a_calendar_but_no_targets():
    rows, calendars = lookup([("Billing", None), (None, None)])
    billing = rows[("Billing", "")]
    assert billing["policy_source"] == "none" and billing["resolution_target_hours"] is None
    assert calendars[billing["calendar_id"]].timezone == "Europe/London"
    assert calendars[rows[("", "")]["calendar_id"]].timezone == "America/New_York"


def test_a_bad_calendar_row_says_which_row_and_field():
    bad = policies(
        {
            "queue": "Ops",
            "priority": "low",
            "calendar_timezone": "UTC",
            "working_days": [1],
            "work_start": "9am",
            "work_end": "17:00",
        }
    )
    with pytest.raises(ValueError, match="queue='Ops' priority='low' work_start: '9am'"):
        resolve_policies(bad, CONF, [("Ops", "low")])

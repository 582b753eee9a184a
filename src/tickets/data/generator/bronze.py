"""Bronze exports of the generated tickets, in the shapes real help desks export.

``tickets_renamed.<fmt>``: one row per ticket with help-desk column names ("Ticket ID",
"Opened", ...), day-first dates ``dd/mm/YYYY HH:MM:SS`` (UTC), priority codes "1".."4",
display statuses and channels, "Yes"/"No" flags. Preset: conf/data/generated_renamed.yaml.

``ticket_events.<fmt>``: a ServiceNow-like audit log, one row per status update with the state
after it, times in ISO 8601 with the America/New_York offset, ``made_sla`` (not breached).
It carries no body or resolution text. Preset: conf/data/generated_events.yaml.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from tickets.data.generator.bronze_labels import (
    CHANNEL_LABELS,
    EVENT_TIMEZONE,
    PRIORITY_CODES,
    STATE_LABELS,
    YES_NO,
)
from tickets.data.generator.canonical import codes
from tickets.data.generator.csat import Csat
from tickets.data.generator.event_rows import event_rows
from tickets.data.generator.lifecycle import ChunkTickets, Lifecycle
from tickets.data.generator.sinks import TableSink, open_sink
from tickets.data.generator.state import MISSING, TicketState
from tickets.data.generator.timefmt import LocalClock, day_first
from tickets.data.generator.world import CALENDAR_TAIL_DAYS, World

RENAMED_COLUMNS = {  # canonical or extra column → export column
    "ticket_id": "Ticket ID", "created_at": "Opened", "first_response_at": "First Response",
    "resolved_at": "Resolved", "closed_at": "Closed", "updated_at": "Last Updated",
    "status": "State", "priority": "Priority", "channel": "Channel", "queue": "Queue",
    "agent_id": "Assigned To", "team": "Assignment Group", "customer_id": "Customer",
    "product": "Product", "category": "Category", "subject": "Subject", "body": "Description",
    "resolution": "Resolution Notes", "satisfaction_score": "CSAT", "sla_breach": "SLA Breached",
    "reopened_count": "Reopens", "reassignment_count": "Reassignments", "reply_count": "Replies",
    "x_issue_id": "Issue ID", "x_language": "Language", "x_sentiment_true": "Sentiment",
    "x_escalated": "Escalated",
}  # fmt: skip
_TIMES = ("created_at", "first_response_at", "resolved_at", "closed_at", "updated_at")


def renamed_table(table: pa.Table, t: ChunkTickets, state: TicketState) -> pa.Table:
    out: dict[str, pa.Array] = {}
    seconds = {
        "created_at": t.created,
        "first_response_at": state.first_response_at,
        "resolved_at": state.resolved_at,
        "closed_at": state.closed_at,
        "updated_at": state.updated_at,
    }
    for column, name in RENAMED_COLUMNS.items():
        if column in _TIMES:
            values = seconds[column]
            out[name] = day_first(values, values == MISSING)
        else:
            out[name] = table.column(column).combine_chunks()
    out["State"] = codes(STATE_LABELS, state.status)
    out["Priority"] = codes(PRIORITY_CODES, t.priority)
    out["Channel"] = codes(CHANNEL_LABELS, t.channel)
    out["SLA Breached"] = codes(YES_NO, state.sla_breach.astype(np.int8))
    escalated = t.escalated & (state.reassignment_count == t.reassignments)
    out["Escalated"] = codes(YES_NO, escalated.astype(np.int8))
    out["CSAT"] = out["CSAT"].cast(pa.int8())
    return pa.table(out)


@dataclass
class BronzeWriter:
    world: World
    renamed: TableSink
    events: TableSink
    clock: LocalClock

    @classmethod
    def open(cls, world: World, folder: Path) -> BronzeWriter:
        fmt = world.settings.bronze_format
        last = world.settings.end + dt.timedelta(days=CALENDAR_TAIL_DAYS)
        clock = LocalClock(EVENT_TIMEZONE, world.settings.start - dt.timedelta(days=2), last)
        return cls(
            world,
            open_sink(folder, "tickets_renamed", fmt, _renamed_schema(world)),
            open_sink(folder, "ticket_events", fmt, _events_schema()),
            clock,
        )

    def event_table(
        self, table: pa.Table, t: ChunkTickets, lc: Lifecycle, state: TicketState, csat: Csat
    ) -> pa.Table:
        """The chunk's audit-log rows (the heavier half, built on the generating thread)."""
        return event_rows(self.world, table, t, lc, state, csat, self.clock).cast(_events_schema())

    def write(self, table: pa.Table, t: ChunkTickets, state: TicketState, events: pa.Table) -> None:
        """Render the renamed export of the chunk and write both exports."""
        self.renamed.write(renamed_table(table, t, state).cast(self.renamed_schema))
        self.events.write(events)

    @property
    def renamed_schema(self) -> pa.Schema:
        return _renamed_schema(self.world)

    def close(self) -> None:
        self.renamed.close()
        self.events.close()

    def outputs(self) -> dict[str, tuple[Path, int]]:
        return {
            "bronze renamed": (self.renamed.path, self.renamed.rows),
            "bronze events": (self.events.path, self.events.rows),
        }


def _renamed_schema(world: World) -> pa.Schema:
    numbers = {"CSAT": pa.int8(), "Reopens": pa.int32(), "Reassignments": pa.int32()}
    numbers |= {"Replies": pa.int32(), "Sentiment": pa.float64()}
    coded = pa.dictionary(pa.int32(), pa.string())
    numbers |= dict.fromkeys(("State", "Priority", "Channel", "SLA Breached", "Escalated"), coded)
    return pa.schema([(n, numbers.get(n, pa.string())) for n in RENAMED_COLUMNS.values()])


EVENT_COLUMNS = (
    "number", "sys_updated_at", "incident_state", "assigned_to", "assignment_group", "u_queue",
    "priority", "contact_type", "caller_id", "cmdb_ci", "category", "short_description",
    "u_csat", "made_sla", "u_replies", "u_issue_id", "u_language", "u_sentiment", "u_escalated",
)  # fmt: skip


CODED_EVENT_COLUMNS = (
    "incident_state", "assigned_to", "assignment_group", "u_queue", "priority", "contact_type",
    "cmdb_ci", "category", "made_sla", "u_issue_id", "u_escalated",
)  # fmt: skip


def _events_schema() -> pa.Schema:
    """Low-cardinality strings are dictionary-encoded in memory; the files hold plain text."""
    types = {"u_csat": pa.int8(), "u_replies": pa.int32(), "u_sentiment": pa.float64()}
    coded = pa.dictionary(pa.int32(), pa.string())
    types |= dict.fromkeys(CODED_EVENT_COLUMNS, coded)
    return pa.schema([(n, types.get(n, pa.string())) for n in EVENT_COLUMNS])

"""Assemble one chunk of canonical tickets (``TICKET_SCHEMA`` + ``x_`` extras) as Arrow."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from tickets.data.generator.catalog import CHANNELS
from tickets.data.generator.csat import Csat
from tickets.data.generator.lifecycle import ChunkTickets
from tickets.data.generator.state import MISSING, STATUSES, TicketState
from tickets.data.generator.timefmt import padded_ids
from tickets.data.generator.world import World
from tickets.schemas.tickets import PRIORITIES, TICKET_SCHEMA, TIMESTAMP_TYPE

TICKET_PREFIX = "TCK-"
EXTRA_FIELDS = (
    pa.field("x_issue_id", pa.string()),
    pa.field("x_language", pa.string()),
    pa.field("x_sentiment_true", pa.float64()),
    pa.field("x_escalated", pa.bool_()),
)
GENERATED_SCHEMA = pa.schema([*TICKET_SCHEMA, *EXTRA_FIELDS])
LANGUAGES = ("en", "de", "es", "fr")
TONES = ("polite", "neutral", "frustrated", "angry")
TONE_SENTIMENT = np.array([0.6, 0.0, -0.5, -0.9])


def ticket_ids(numbers: np.ndarray, total: int) -> pa.Array:
    """``TCK-00000042``-style ids, vectorised; numbers start at 1."""
    return padded_ids(TICKET_PREFIX, numbers, max(8, len(str(total))))


def timestamps(seconds: np.ndarray) -> pa.Array:
    """Epoch seconds → ``timestamp[us, UTC]``; ``MISSING`` becomes null."""
    missing = seconds == MISSING
    micros = np.where(missing, 0, seconds) * 1_000_000
    return pa.array(micros, type=TIMESTAMP_TYPE, mask=missing)


def codes(names: tuple[str, ...] | list[str], index: np.ndarray) -> pa.DictionaryArray:
    """``names[index]`` as a dictionary array (no string copies); negative indices are null."""
    missing = index < 0
    indices = pa.array(np.where(missing, 0, index).astype(np.int32), mask=missing)
    return pa.DictionaryArray.from_arrays(indices, pa.array(names, pa.string()))


def labels(names: tuple[str, ...] | list[str], index: np.ndarray) -> pa.Array:
    """``names[index]`` as a string array; negative indices become null."""
    return codes(names, index).cast(pa.string())


def ticket_table(
    world: World,
    t: ChunkTickets,
    state: TicketState,
    csat: Csat,
    first_number: int,
    text: dict[str, pa.Array] | None,
    language: np.ndarray,
    tone: np.ndarray,
) -> pa.Table:
    taxonomy, staff, n = world.taxonomy, world.staff, len(t)
    agent = state.agent
    team = np.where(agent < 0, -1, staff.team[np.maximum(agent, 0)])
    nulls = pa.nulls(n, pa.string())
    text = text or {}
    columns = {
        "ticket_id": ticket_ids(first_number + np.arange(n), world.settings.tickets),
        "created_at": timestamps(t.created),
        "first_response_at": timestamps(state.first_response_at),
        "resolved_at": timestamps(state.resolved_at),
        "closed_at": timestamps(state.closed_at),
        "updated_at": timestamps(state.updated_at),
        "status": labels(STATUSES, state.status),
        "priority": labels(PRIORITIES, t.priority),
        "channel": labels(CHANNELS, t.channel),
        "queue": labels(taxonomy.queues, t.queue),
        "agent_id": labels(staff.agent_ids, agent),
        "team": labels(staff.team_names, team),
        "customer_id": world.customers.ids(t.customer),
        "product": labels(taxonomy.products, taxonomy.issue_product[t.issue]),
        "category": labels(taxonomy.categories, taxonomy.issue_category[t.issue]),
        "subject": text.get("subject", nulls),
        "body": text.get("body", nulls),
        "resolution": text.get("resolution", nulls),
        "satisfaction_score": pa.array(csat.score, from_pandas=True),
        "sla_breach": pa.array(state.sla_breach),
        "reopened_count": pa.array(state.reopened_count, pa.int32()),
        "reassignment_count": pa.array(state.reassignment_count, pa.int32()),
        "reply_count": pa.array(state.reply_count, pa.int32()),
        "x_issue_id": labels(taxonomy.issue_ids, t.issue),
        "x_language": labels(LANGUAGES, language),
        "x_sentiment_true": pa.array(TONE_SENTIMENT[tone]),
        "x_escalated": pa.array(t.escalated & (state.reassignment_count == t.reassignments)),
    }
    return pa.table(columns).cast(GENERATED_SCHEMA)

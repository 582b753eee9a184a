"""The canonical ticket schema and the single-ticket model."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from pydantic import ValidationError

from tickets.schemas import CANONICAL_COLUMNS, TICKET_SCHEMA, Ticket


def test_schema_lists_every_canonical_column_with_utc_microsecond_timestamps():
    expected = [
        "ticket_id", "created_at", "first_response_at", "resolved_at", "closed_at", "updated_at",
        "status", "priority", "channel", "queue", "agent_id", "team", "customer_id", "product",
        "category", "subject", "body", "resolution", "satisfaction_score", "sla_breach",
        "reopened_count", "reassignment_count",
    ]  # fmt: skip
    assert list(CANONICAL_COLUMNS[: len(expected)]) == expected
    assert TICKET_SCHEMA.field("created_at").type == pa.timestamp("us", tz="UTC")


def test_model_converts_offsets_to_utc_and_assumes_utc_for_naive():
    ticket = Ticket(
        ticket_id="T-1",
        created_at=dt.datetime(2024, 1, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        resolved_at=dt.datetime(2024, 1, 1, 9),
    )
    assert ticket.created_at == dt.datetime(2024, 1, 1, 8, tzinfo=dt.UTC)
    assert ticket.resolved_at is not None and ticket.resolved_at.tzinfo == dt.UTC


def test_model_refuses_resolution_before_creation():
    with pytest.raises(ValidationError, match=r"resolved_at .* is before created_at"):
        Ticket(
            ticket_id="T-1", created_at="2024-01-05T00:00:00Z", resolved_at="2024-01-02T00:00:00Z"
        )


@pytest.mark.parametrize("field", [{"satisfaction_score": 6}, {"reopened_count": -1}, {"oops": 1}])
def test_model_refuses_out_of_range_and_unknown_fields(field):
    with pytest.raises(ValidationError):
        Ticket(ticket_id="T-1", created_at="2024-01-05T00:00:00Z", **field)

"""Canonical schemas: the one definition of a ticket and of each dimension table."""

from tickets.schemas.dimensions import DIMENSION_SCHEMAS
from tickets.schemas.tickets import (
    CANONICAL_COLUMNS,
    COUNT_COLUMNS,
    PRIORITIES,
    TICKET_SCHEMA,
    TIMESTAMP_COLUMNS,
    TIMESTAMP_TYPE,
    Ticket,
)

__all__ = [
    "CANONICAL_COLUMNS",
    "COUNT_COLUMNS",
    "DIMENSION_SCHEMAS",
    "PRIORITIES",
    "TICKET_SCHEMA",
    "TIMESTAMP_COLUMNS",
    "TIMESTAMP_TYPE",
    "Ticket",
]

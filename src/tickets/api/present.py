"""Stored rows → response bodies."""

from __future__ import annotations

from typing import Any

from tickets.api.enrichment import Enrichment
from tickets.api.schemas import (
    FeedbackPublic,
    IntakePublic,
    RecommendationsPublic,
    TicketPublic,
)
from tickets.api.storage.models import FeedbackRow, TicketRow

TICKET_FIELDS = (
    "subject",
    "body",
    "channel",
    "priority",
    "queue",
    "product",
    "customer_id",
    "agent_id",
    "team",
    "external_id",
    "status",
    "created_at",
    "updated_at",
    "received_at",
    "resolved_at",
    "resolution",
    "corrected_category",
)


def enrichment_fields(row: TicketRow, fresh: Enrichment | None = None) -> dict[str, Any]:
    """The enrichment part of a response: from a result just computed, else from the row."""
    if fresh is not None:
        p = fresh.prediction
        return {
            "enrichment": "complete",
            "category": p.category,
            "confidence": p.confidence,
            "needs_review": p.needs_review,
            "model_version": fresh.model_version,
            **_suggestions(fresh.suggestions_json()),
        }
    if row.enrichment != "complete":
        return {"enrichment": "pending"}
    return {
        "enrichment": "complete",
        "category": row.category,
        "confidence": row.confidence,
        "needs_review": row.needs_review,
        "model_version": row.model_version,
        **_suggestions(row.suggestions or {}),
    }


def _suggestions(stored: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "top_categories",
        "recommendations",
        "suggested_resolution",
        "citations",
        "resolution_confidence",
    )
    return {k: stored[k] for k in keys if k in stored}


def intake_public(row: TicketRow, fresh: Enrichment | None = None) -> IntakePublic:
    return IntakePublic(
        ticket_id=row.id,
        external_id=row.external_id,
        status=row.status,  # type: ignore[arg-type]
        created_at=row.created_at,
        **enrichment_fields(row, fresh),
    )


def ticket_public(row: TicketRow) -> TicketPublic:
    values = {name: getattr(row, name) for name in TICKET_FIELDS}
    return TicketPublic.model_validate({"id": row.id, **values, **enrichment_fields(row)})


def recommendations_public(row: TicketRow) -> RecommendationsPublic:
    return RecommendationsPublic(ticket_id=row.id, **enrichment_fields(row))


def feedback_public(row: FeedbackRow) -> FeedbackPublic:
    return FeedbackPublic.model_validate(row, from_attributes=True)

"""What the service needs from the models: the :class:`Enricher` interface and its results.

An enricher turns stored tickets into a category (with confidence and the needs-review flag)
and recommendations (similar solved tickets, KB articles, a cited suggested resolution). The
real one combines the categoriser and the retriever (:mod:`tickets.api.model_enricher`); tests
plug in small hand-written ones. Enrichment runs *after* the ticket is committed, so a failing
or slow enricher never loses a ticket: it stays ``pending`` and :mod:`tickets.api.worker`
retries it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class TicketText:
    """The parts of a stored ticket that the models read."""

    ticket_id: str
    subject: str | None
    body: str
    channel: str | None = None
    priority: str | None = None
    queue: str | None = None
    product: str | None = None
    customer_id: str | None = None

    @property
    def text(self) -> str:
        return f"{self.subject}\n{self.body}" if self.subject else self.body


@dataclass(frozen=True)
class CategoryPrediction:
    category: str
    confidence: float
    needs_review: bool
    top: list[tuple[str, float]] = field(default_factory=list)


@dataclass(frozen=True)
class SuggestionItem:
    kind: str  # kb_article | similar_ticket
    id: str
    title: str
    score: float
    snippet: str
    product: str | None = None


@dataclass(frozen=True)
class RecommendationSet:
    items: list[SuggestionItem]
    suggested_resolution: str | None
    citations: list[str]
    confidence: float
    confident: bool
    failure: dict[str, Any] | None = None  # set when retrieval found no confident answer


@dataclass(frozen=True)
class Enrichment:
    prediction: CategoryPrediction
    recommendations: RecommendationSet
    model_version: str

    def suggestions_json(self) -> dict[str, Any]:
        """The stored form (the ``tickets.suggestions`` JSON column)."""
        recs = self.recommendations
        return {
            "top_categories": [
                {"category": c, "probability": round(p, 4)} for c, p in self.prediction.top
            ],
            "recommendations": [asdict(item) for item in recs.items],
            "suggested_resolution": recs.suggested_resolution,
            "citations": list(recs.citations),
            "resolution_confidence": round(recs.confidence, 4),
            "confident": recs.confident,
        }


class Enricher(Protocol):
    """Categorise and recommend for a batch of tickets; raise if it cannot."""

    @property
    def version(self) -> str:
        """Model and index versions, e.g. ``ticket-categorizer-category/3+index@2024-…``."""
        ...

    def enrich(self, tickets: Sequence[TicketText]) -> list[Enrichment]: ...


class EnricherUnavailableError(RuntimeError):
    """No enricher is loaded yet (or loading failed); tickets wait as pending."""

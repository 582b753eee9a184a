"""Hand-written enrichers for the service tests: the real models are tested in their own areas
(and end to end in test_starter.py); here the point is what the service does with results."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from tickets.api.enrichment import (
    CategoryPrediction,
    Enrichment,
    RecommendationSet,
    SuggestionItem,
    TicketText,
)

KB_REFUND = SuggestionItem(
    "kb_article",
    "KB-0017",
    "Void a duplicate charge",
    0.91,
    "Void the duplicate authorisation.",
    "PayFlow Billing",
)
SIMILAR = SuggestionItem(
    "similar_ticket",
    "T-000042",
    "charged twice",
    0.84,
    "Voided the duplicate authorisation [KB-0017].",
    "PayFlow Billing",
)


class KeywordEnricher:
    """Billing when the text mentions a charge (confidence 0.9), else Connectivity (0.4, which
    is under the 0.5 review threshold, so needs_review)."""

    version = "handmade/1"

    def __init__(self) -> None:
        self.calls: list[int] = []  # batch sizes seen

    def enrich(self, tickets: Sequence[TicketText]) -> list[Enrichment]:
        self.calls.append(len(tickets))
        return [self._one(t) for t in tickets]

    def _one(self, ticket: TicketText) -> Enrichment:
        billing = "charg" in ticket.text.lower()
        prediction = CategoryPrediction(
            "Billing" if billing else "Connectivity",
            0.9 if billing else 0.4,
            not billing,
            [("Billing", 0.9), ("Refunds", 0.1)] if billing else [("Connectivity", 0.4)],
        )
        recs = RecommendationSet(
            [KB_REFUND, SIMILAR] if billing else [],
            "Void the duplicate authorisation. [KB-0017]" if billing else None,
            ["KB-0017"] if billing else [],
            0.8 if billing else 0.1,
            billing,
        )
        return Enrichment(prediction, recs, self.version)


class FailingEnricher(KeywordEnricher):
    """Raises until ``healed`` is set: the model is down."""

    version = "failing/1"

    def __init__(self) -> None:
        super().__init__()
        self.healed = threading.Event()

    def enrich(self, tickets: Sequence[TicketText]) -> list[Enrichment]:
        if not self.healed.is_set():
            raise RuntimeError("model crashed while holding secret-token-123")
        return super().enrich(tickets)

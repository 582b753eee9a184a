"""The recommender behind the API: the retrieval index at ``paths.index``, else a starter index.

Wraps ``tickets.retrieval``'s :class:`Recommender`: similar solved tickets, KB articles and the
extractive suggested resolution with its citations and calibrated confidence. Answers below
the confidence threshold are appended to the retrieval-failure log that the anomaly detector
reads (``outputs/retrieval/failures.jsonl``).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from tickets.api.enrichment import RecommendationSet, SuggestionItem, TicketText
from tickets.api.settings import ApiSettings
from tickets.data.warehouse import Warehouse

log = logging.getLogger(__name__)

_STARTER_ADAPT_TEXTS = 900  # MiniLM texts adapting a starter index's static encoder
_CITATION = re.compile(r"\[((?:KB|T)-[A-Za-z0-9_-]+)\]")


class PrimedEmbedder:
    """An embedder that answers from vectors computed ahead, in one batch, for the queries a
    batch of tickets is about to make; other texts go to the real embedder."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self._primed: dict[str, np.ndarray] = {}

    @property
    def name(self) -> str:
        return str(self.inner.name)

    @property
    def dim(self) -> int:
        return int(self.inner.dim)

    def prime(self, texts: Sequence[str]) -> None:
        fresh = list(dict.fromkeys(t for t in texts if t not in self._primed))
        if fresh:
            self._primed.update(zip(fresh, self.inner.embed(fresh), strict=True))

    def clear(self) -> None:
        self._primed.clear()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if texts and all(t in self._primed for t in texts):
            return np.stack([self._primed[t] for t in texts])
        return self.inner.embed(texts)  # type: ignore[no-any-return]


class IndexRecommender:
    def __init__(
        self, index: Any, settings: Any, embedder: PrimedEmbedder, top_k: int, failure_log: Path
    ) -> None:
        from tickets.retrieval.recommender import Recommender

        self.index = index
        self.settings = settings
        self.recommender = Recommender(index, settings)
        self.embedder = embedder
        self.top_k = top_k
        self.failure_log = failure_log
        self.version = f"index@{index.stamp.updated_at or index.stamp.built_at}"

    def recommend_many(self, tickets: Sequence[TicketText]) -> list[RecommendationSet]:
        """Recommendations for a batch: the query vectors are embedded in one call."""
        self.embedder.prime([q for q in (self._query(t) for t in tickets) if q is not None])
        try:
            return [self.recommend(t) for t in tickets]
        finally:
            self.embedder.clear()

    def _query(self, ticket: TicketText) -> str | None:
        from tickets.retrieval.text import EmptyQueryError, clean_query

        limits = self.settings.query
        try:
            return clean_query(ticket.text, limits.max_chars, limits.min_chars).text
        except EmptyQueryError:
            return None

    def recommend(self, ticket: TicketText) -> RecommendationSet:
        from tickets.retrieval.failures import append_failure
        from tickets.retrieval.text import EmptyQueryError

        try:
            rec = self.recommender.recommend(ticket.text, self.top_k)
        except EmptyQueryError:
            return RecommendationSet([], None, [], 0.0, False)
        items = [_item("kb_article", s) for s in rec.kb_articles]
        items += [_item("similar_ticket", s) for s in rec.tickets]
        answer = rec.answer
        if not answer.confident:
            append_failure(
                self.failure_log, rec.failure(ticket.ticket_id, self.index.stamp.updated_at)
            )
            return RecommendationSet(items, None, [], float(answer.confidence), False)
        text = answer.text
        citations = list(dict.fromkeys(c for line in answer.lines for c in _ids(line.citations)))
        return RecommendationSet(items, text, citations, float(answer.confidence), True)


def _ids(citations: list[str]) -> list[str]:
    found = []
    for citation in citations:
        match = _CITATION.search(citation)
        found.append(match.group(1) if match else citation.strip("[] "))
    return found


def _item(kind: str, suggestion: Any) -> SuggestionItem:
    return SuggestionItem(
        kind=kind,
        id=suggestion.doc_id,
        title=suggestion.title,
        score=float(suggestion.score),
        snippet=suggestion.snippet,
        product=suggestion.product,
    )


def load_recommender(settings: ApiSettings) -> IndexRecommender:
    """The configured index; without one, a starter index built from the warehouse."""
    from tickets.retrieval.embedder import make_embedder
    from tickets.retrieval.settings import RetrievalSettings
    from tickets.retrieval.store import IndexUnavailableError, load_index

    retrieval = RetrievalSettings.from_dict(dict(settings.retrieval))
    embedder = PrimedEmbedder(make_embedder(retrieval.dense, None))
    folder = settings.resolved_index_dir
    try:
        index = load_index(folder, retrieval, embedder)
        log.info("retrieval index: %s", folder)
    except IndexUnavailableError as err:
        if not settings.build_starter:
            raise
        log.warning("%s", str(err).splitlines()[0])
        folder = _starter_index(settings, retrieval)
        index = load_index(folder, retrieval, embedder)
    return IndexRecommender(
        index, retrieval, embedder, settings.top_k, settings.resolved_failure_log
    )


def _starter_index(settings: ApiSettings, retrieval: Any) -> Path:
    from tickets.retrieval.builder import build_index
    from tickets.retrieval.corpus import load_corpus
    from tickets.retrieval.embedder import make_embedder

    warehouse = Warehouse.at(settings.starter_warehouse or "assets/sample")
    folder = settings.resolved_starter_dir / "index"
    corpus = load_corpus(warehouse, retrieval.graph.issue_column)
    if len(corpus.tickets) > settings.starter_max_tickets:  # the most recent solved tickets
        corpus = dataclasses.replace(
            corpus, tickets=corpus.tickets[-settings.starter_max_tickets :]
        )
    # a static encoder is fitted quickly (the corpus's word pieces only, a smaller MiniLM
    # sample) so that a fresh clone's first start is ready within a minute
    static = dataclasses.replace(
        retrieval.dense.static,
        vocabulary="corpus",
        adapt_texts=min(retrieval.dense.static.adapt_texts, _STARTER_ADAPT_TEXTS),
    )
    retrieval = dataclasses.replace(
        retrieval, dense=dataclasses.replace(retrieval.dense, static=static)
    )
    # no embedding cache: the build's calibration embeds hundreds of one-off self-queries
    embedder = make_embedder(retrieval.dense, None)
    report = build_index(
        corpus, folder, retrieval, embedder, sources={"warehouse": str(warehouse.root)}
    )
    log.warning(
        "no retrieval index at %s: %s a starter index from %s (%d tickets, %d KB articles) at "
        "%s. Build a real one with 'python main.py index'",
        settings.resolved_index_dir,
        "reusing" if report.mode == "unchanged" else "built",
        warehouse.root,
        report.tickets,
        report.kb_articles,
        folder,
    )
    return folder

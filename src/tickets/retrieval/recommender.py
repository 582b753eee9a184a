"""From a new ticket's text to similar solved tickets, KB articles and a cited answer.

KB articles are ranked from three kinds of evidence, fused by score:
- ``direct``: BM25 + dense over the KB articles themselves;
- ``cited``: the KB articles cited by the resolutions of the most similar solved tickets,
  each vote weighted by the ticket's score (the ticket → resolution → KB path of the graph);
- ``graph``: personalised PageRank mass on KB nodes, seeded by the top tickets, the top KB
  articles and the query's entities.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from tickets.retrieval.answer import Answer, compose_lines
from tickets.retrieval.calibration import ranking_features
from tickets.retrieval.documents import Document
from tickets.retrieval.entities import EntityExtractor, error_codes, kb_citations
from tickets.retrieval.failures import RetrievalFailure
from tickets.retrieval.fusion import fuse
from tickets.retrieval.hits import Hits
from tickets.retrieval.settings import RetrievalSettings
from tickets.retrieval.store import LoadedIndex
from tickets.retrieval.text import CleanQuery, clean_query

KB_EVIDENCE = ("direct", "cited", "graph")
SUPPORT_TAU = 0.05  # cosine scale of the neighbour weights in the KB support feature
SNIPPET_CHARS = 240


@dataclass(frozen=True)
class Suggestion:
    doc_id: str
    title: str
    score: float
    snippet: str
    product: str | None = None
    issue: str | None = None


@dataclass(frozen=True)
class Recommendation:
    query: CleanQuery
    tickets: list[Suggestion]
    kb_articles: list[Suggestion]
    answer: Answer
    features: dict[str, float]
    entities: list[str]
    warnings: list[str] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)

    def failure(self, ticket_id: str | None, index_built_at: str) -> RetrievalFailure:
        """The retrieval-failure record of this (not confident) recommendation."""
        top = self.tickets[0] if self.tickets else None
        return RetrievalFailure(
            reason="low_confidence" if self.tickets else "no_results",
            query=self.query.text,
            language=self.query.language,
            confidence=round(self.answer.confidence, 4),
            threshold=self.answer.threshold,
            ticket_id=ticket_id,
            top_kb=[{"id": s.doc_id, "score": s.score} for s in self.kb_articles[:3]],
            top_tickets=[{"id": s.doc_id, "score": s.score} for s in self.tickets[:3]],
            entities=self.entities,
            error_codes=error_codes(self.entities),
            product=top.product if top else None,
            issue=top.issue if top else None,
            index_built_at=index_built_at,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query.text,
            "language": self.query.language,
            "truncated_from": self.query.truncated_from,
            "similar_tickets": [asdict(s) for s in self.tickets],
            "kb_articles": [asdict(s) for s in self.kb_articles],
            "answer": {
                "text": self.answer.text,
                "confident": self.answer.confident,
                "confidence": round(self.answer.confidence, 4),
                "threshold": self.answer.threshold,
                "calibrated": self.answer.calibrated,
                "lines": [{"text": ln.text, "citations": ln.citations} for ln in self.answer.lines],
                "generated": self.answer.generated,
            },
            "entities": self.entities,
            "warnings": list(self.query.warnings) + self.warnings,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }


@dataclass(frozen=True)
class Exclusion:
    """Positions of tickets and KB articles to leave out of a ranking."""

    tickets: tuple[int, ...] = ()
    kb: tuple[int, ...] = ()


@dataclass
class Ranked:
    """Everything ranked for one query, before the answer is written."""

    tickets: Hits
    kb: Hits
    features: dict[str, float]
    entities: list[str]


def _pairs(hits: Hits, k: int) -> list[tuple[int, float]]:
    return list(zip(hits.indices[:k].tolist(), hits.scores[:k].tolist(), strict=True))


class Recommender:
    def __init__(self, index: LoadedIndex, settings: RetrievalSettings) -> None:
        self.index = index
        self.settings = settings
        self.retriever = index.retriever
        graph = index.retriever.graph
        self.extractor = (
            graph.extractor if graph is not None else EntityExtractor(tuple(index.stamp.products))
        )
        kb = index.kb
        self._cited = [
            [p for p in (kb.position(k) for k in kb_citations(d.resolution)) if p is not None]
            for d in index.tickets.documents
        ]

    def recommend(
        self,
        raw_text: str | None,
        top_k: int,
        exclude_ticket: str | None = None,
        title: str | None = None,
    ) -> Recommendation:
        """Clean the query, rank, write the cited answer; raises EmptyQueryError.

        ``title`` is the query's own subject line when it has one (a ticket): it is embedded
        separately for the title field.
        """
        start = time.perf_counter()
        query = clean_query(raw_text, self.settings.query.max_chars, self.settings.query.min_chars)
        own = self.index.tickets.position(exclude_ticket) if exclude_ticket else None
        title_vector = None
        if title and title.strip() and self.index.tickets.dense.title is not None:
            title_vector = self.retriever.embed_query(title.strip())
        ranked = self.rank(
            query.text, Exclusion(tickets=() if own is None else (own,)), None, title_vector
        )
        ranked_ms = (time.perf_counter() - start) * 1e3
        answer = self.answer(query, ranked)
        tickets = self.index.tickets.documents
        kb = self.index.kb.documents
        return Recommendation(
            query,
            [_suggestion(tickets[i], s) for i, s in _pairs(ranked.tickets, top_k)],
            [_suggestion(kb[i], s) for i, s in _pairs(ranked.kb, top_k)],
            answer,
            ranked.features,
            ranked.entities,
            list(self.index.warnings),
            {"rank": ranked_ms, "total": (time.perf_counter() - start) * 1e3},
        )

    def answer(self, query: CleanQuery, ranked: Ranked) -> Answer:
        """Extractive lines from the best KB article and the top tickets, with a confidence."""
        settings, index = self.settings.answer, self.index
        best_kb = index.kb.documents[int(ranked.kb.indices[0])] if len(ranked.kb) else None
        tickets = [
            index.tickets.documents[i]
            for i in ranked.tickets.indices[: settings.similar_tickets].tolist()
        ]
        lines = compose_lines(best_kb, tickets, settings.max_lines)
        confidence = index.confidence.predict(ranked.features) if len(ranked.tickets) else 0.0
        return Answer(
            tuple(lines), confidence, settings.confidence_threshold, index.confidence.calibrated
        )

    def rank(
        self,
        text: str,
        exclude: Exclusion | None = None,
        vector: np.ndarray | None = None,
        title_vector: np.ndarray | None = None,
    ) -> Ranked:
        """Rank solved tickets and KB articles for ``text`` (already cleaned).

        ``exclude`` leaves documents out of every step (the query ticket itself; or, when the
        index calibrates itself, a whole KB article and the tickets it solved). ``vector`` is
        the query embedding when the caller already has it; ``title_vector`` that of the
        query's own title (a ticket's subject), if it has one.
        """
        retriever, graph = self.retriever, self.retriever.graph
        skip = exclude or Exclusion()
        vector = retriever.embed_query(text) if vector is None else vector
        tickets = retriever.hybrid(
            "tickets", text, vector, None, skip.tickets, title_vector, naive_rrf=False
        )
        kb = retriever.hybrid("kb", text, vector, None, skip.kb, title_vector, naive_rrf=False)
        ticket_hits, kb_lists = tickets.lists["hybrid"], {"direct": kb.lists["hybrid"]}
        entities = self.extractor.extract(text)
        if graph is not None and self.settings.graph.enabled:
            seeds = {"tickets": ticket_hits, "kb": kb.lists["hybrid"]}
            skipped = {"tickets": skip.tickets, "kb": skip.kb}
            walk = retriever.walk(text, seeds, exclude=skipped, entities=entities)
            assert walk is not None
            ticket_hits = retriever.graph_hits("tickets", walk, ticket_hits, exclude=skip.tickets)
            kb_lists["graph"] = retriever.graph_only("kb", walk, exclude=skip.kb)
        kb_lists["cited"] = self._cited_votes(ticket_hits).without(skip.kb)
        kb_hits = fuse(kb_lists, "score", self.settings.answer.kb_weights, normalisation="minmax")
        coverage = self._code_coverage(entities, ticket_hits, kb_hits)
        support = self._support(tickets.lists["dense"])
        top_cites = (
            bool(len(ticket_hits) and len(kb_hits))
            and int(kb_hits.indices[0]) in (self._cited[int(ticket_hits.indices[0])])
        )
        features = ranking_features(
            kb_hits, kb_lists, tickets.lists["dense"], support, coverage, top_cites
        )
        return Ranked(ticket_hits, kb_hits, features, entities)

    def _cited_votes(self, tickets: Hits) -> Hits:
        top = tickets.head(self.settings.graph.seed_hits)
        votes: dict[int, float] = {}
        if not len(top):
            return Hits.empty()
        weights = top.scores - top.scores.min() + 1e-3
        for position, weight in zip(top.indices.tolist(), weights.tolist(), strict=True):
            cited = self._cited[position]
            for kb_position in cited:
                votes[kb_position] = votes.get(kb_position, 0.0) + weight / len(cited)
        if not votes:
            return Hits.empty()
        order = sorted(votes, key=lambda p: (-votes[p], p))
        return Hits(np.array(order, dtype=np.int64), np.array([votes[p] for p in order]))

    def _code_coverage(self, entities: list[str], tickets: Hits, kb: Hits) -> float:
        """Share of the query's error codes found in the top KB article or top 3 tickets."""
        wanted = set(error_codes(entities))
        if not wanted:
            return 1.0
        texts = [self.index.kb.documents[int(i)].search_text for i in kb.indices[:1]]
        for i in tickets.indices[:3].tolist():
            doc = self.index.tickets.documents[i]
            texts.append(f"{doc.search_text}\n{doc.resolution}")
        found = set(error_codes(self.extractor.extract("\n".join(texts))))
        return len(wanted & found) / len(wanted)

    def _support(self, dense: Hits) -> dict[int, float]:
        """Share of the nearest solved tickets whose resolution cites each KB article.

        Neighbours are weighted by exp((cosine - best cosine) / 0.05): near-duplicates count
        fully, tickets 0.2 less similar hardly at all. One near-duplicate solved without an
        article then outweighs ten looser matches that agree on some other article.
        """
        top = dense.head(self.settings.graph.seed_hits)
        if not len(top):
            return {}
        weights = np.exp((top.scores.astype(np.float64) - float(top.scores[0])) / SUPPORT_TAU)
        share: dict[int, float] = {}
        for position, weight in zip(top.indices.tolist(), weights / weights.sum(), strict=True):
            for kb_position in set(self._cited[position]):
                share[kb_position] = share.get(kb_position, 0.0) + float(weight)
        return share


def _suggestion(doc: Document, score: float) -> Suggestion:
    snippet = (doc.resolution or doc.body or "").strip().replace("\n", " ")
    return Suggestion(
        doc.doc_id,
        doc.title,
        round(float(score), 4),
        snippet[:SNIPPET_CHARS],
        doc.product,
        doc.issue,
    )

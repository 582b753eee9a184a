"""The index queries itself to calibrate its confidence: solved tickets as held-out queries.

Three kinds of self-query, each with a label saying whether the top KB article is right:
- ``known``: a ticket whose resolution cites KB articles, left out of its own results;
  correct when the top suggested article is one of those it cites;
- ``gap`` (a simulated KB gap, never correct), in two flavours: ``new_problem`` leaves out
  the cited articles and every ticket citing them (nobody has seen the problem);
  ``undocumented`` leaves out only the articles (the problem recurs, solved without an article);
- ``uncited``: a solved ticket whose resolution cites no article; never correct.
Without any KB citations in the index, the label falls back to "the most similar ticket has
the same issue" (``known`` queries only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tickets.retrieval.entities import kb_citations
from tickets.retrieval.recommender import Exclusion, Ranked, Recommender
from tickets.retrieval.settings import RetrievalSettings
from tickets.retrieval.store import LoadedIndex

KB_LABEL = "top_kb_cited_by_own_resolution"
ISSUE_LABEL = "top_ticket_same_issue"
MIN_KB_LABELLED = 40
GAP_SHARE = 0.25  # share of the self-queries that simulate a KB gap


@dataclass(frozen=True)
class SelfCheck:
    rows: list[dict[str, float]]
    labels: list[bool]
    natural: list[bool]  # False for the simulated KB gaps
    label: str


def self_queries(
    index: LoadedIndex,
    settings: RetrievalSettings,
    progress: Callable[[str, int, int], None] | None = None,
    sample: int = 400,
    seed: int = 0,
) -> SelfCheck:
    """Features and labels for up to ``sample`` self-queries (see the module docstring)."""
    docs = index.tickets.documents
    kb_pos = {d.doc_id: i for i, d in enumerate(index.kb.documents)}
    cited = [tuple(kb_pos[k] for k in kb_citations(d.resolution) if k in kb_pos) for d in docs]
    cited_pool = [i for i, c in enumerate(cited) if c]
    if len(cited_pool) < MIN_KB_LABELLED:
        return _issue_queries(index, settings, progress, sample, seed)
    uncited = [i for i, d in enumerate(docs) if d.resolution and not cited[i]]
    rng = np.random.default_rng(seed)
    n_gap = int(sample * GAP_SHARE)
    n_uncited = min(len(uncited), sample // 10)
    plan = [(int(i), "known") for i in _pick(rng, cited_pool, sample - n_gap - n_uncited)]
    gaps = _pick(rng, cited_pool, n_gap)
    plan += [(i, "new_problem" if n % 2 else "undocumented") for n, i in enumerate(gaps)]
    plan += [(int(i), "uncited") for i in _pick(rng, uncited, n_uncited)]
    solved_by = _tickets_citing(cited)
    recommender = Recommender(index, settings)
    rows, labels, natural = [], [], []
    for n, (position, kind) in enumerate(plan, start=1):
        exclusion = Exclusion(tickets=(position,))
        if kind == "new_problem":
            removed = {t for k in cited[position] for t in solved_by[k]} | {position}
            exclusion = Exclusion(tickets=tuple(sorted(removed)), kb=cited[position])
        elif kind == "undocumented":
            exclusion = Exclusion(tickets=(position,), kb=cited[position])
        ranked = _self_rank(recommender, index, position, exclusion)
        rows.append(ranked.features)
        labels.append(kind == "known" and _top_kb(ranked) in cited[position])
        natural.append(kind in ("known", "uncited"))
        if progress is not None:
            progress("calibrating", n, len(plan))
    return SelfCheck(rows, labels, natural, KB_LABEL)


def _issue_queries(
    index: LoadedIndex,
    settings: RetrievalSettings,
    progress: Callable[[str, int, int], None] | None,
    sample: int,
    seed: int,
) -> SelfCheck:
    docs = index.tickets.documents
    pool = [i for i, d in enumerate(docs) if d.issue]
    recommender = Recommender(index, settings)
    rows, labels = [], []
    chosen = _pick(np.random.default_rng(seed), pool, sample)
    for n, position in enumerate(chosen, start=1):
        ranked = _self_rank(recommender, index, position, Exclusion(tickets=(position,)))
        top = int(ranked.tickets.indices[0]) if len(ranked.tickets) else None
        rows.append(ranked.features)
        labels.append(top is not None and docs[top].issue == docs[position].issue)
        if progress is not None:
            progress("calibrating", n, len(chosen))
    return SelfCheck(rows, labels, [True] * len(rows), ISSUE_LABEL)


def _self_rank(
    recommender: Recommender, index: LoadedIndex, position: int, exclusion: Exclusion
) -> Ranked:
    """Rank with the ticket's stored vectors: no re-embedding needed."""
    doc, dense = index.tickets.documents[position], index.tickets.dense
    title = dense.title.vectors_[position] if dense.title is not None else None
    text = " ".join(doc.search_text.split())
    return recommender.rank(text, exclusion, dense.body.vectors_[position], title)


def _top_kb(ranked: Ranked) -> int | None:
    return int(ranked.kb.indices[0]) if len(ranked.kb) else None


def _tickets_citing(cited: list[tuple[int, ...]]) -> dict[int, list[int]]:
    solved_by: dict[int, list[int]] = {}
    for ticket, kbs in enumerate(cited):
        for kb in kbs:
            solved_by.setdefault(kb, []).append(ticket)
    return solved_by


def _pick(rng: np.random.Generator, pool: list[int], size: int) -> list[int]:
    if size <= 0 or not pool:
        return []
    return sorted(int(i) for i in rng.choice(pool, size=min(size, len(pool)), replace=False))

"""Does any knowledge-base article cover a topic? A lexical check on kb_articles.parquet.

An article covers a topic when it contains the topic's error code, or most of its name terms
(word pairs count when both words appear in the article). The share of name terms found in the
best article is the topic's KB coverage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyarrow.parquet as pq

from tickets.data.warehouse import Warehouse

_TOKEN = re.compile(r"[a-z0-9-]+")


@dataclass(frozen=True)
class KbArticle:
    kb_id: str
    title: str
    words: frozenset[str]


@dataclass(frozen=True)
class KbCoverage:
    kb_id: str | None
    title: str | None
    coverage: float  # share of the topic's terms found in the best article
    code_match: bool


def load_kb(warehouse: Warehouse) -> list[KbArticle] | None:
    """The warehouse's KB articles, or None when it has no kb_articles table."""
    path = warehouse.dimension_path("kb_articles")
    if not path.exists():
        return None
    table = pq.read_table(path, columns=["kb_id", "title", "body"]).to_pylist()
    return [
        KbArticle(
            kb_id=str(row["kb_id"]),
            title=str(row["title"] or ""),
            words=frozenset(_TOKEN.findall(f"{row['title'] or ''} {row['body'] or ''}".lower())),
        )
        for row in table
    ]


def best_coverage(articles: list[KbArticle], terms: list[str], codes: list[str]) -> KbCoverage:
    """The article covering most of ``terms``; an article holding one of ``codes`` wins."""
    best = KbCoverage(None, None, 0.0, False)
    wanted = [set(_TOKEN.findall(t.lower())) for t in terms if t.strip()]
    code_words = {c.lower() for c in codes}
    for article in articles:
        found = sum(1 for words in wanted if words and words <= article.words)
        coverage = found / len(wanted) if wanted else 0.0
        code_match = bool(code_words & article.words)
        better = (code_match, coverage) > (best.code_match, best.coverage)
        if better and (coverage > 0 or code_match):
            best = KbCoverage(article.kb_id, article.title, coverage, code_match)
    return best

"""Dense retrieval over two fields: each document has a vector for its title + body and one for
its title (a ticket's subject) alone; a query scores the mean of the two cosines.

The title field sharpens matches between short problem statements (StackFAQ questions against
thread titles, a new ticket's subject against old subjects): on the evaluation sets it adds
0.008 MRR on StackFAQ and 0.025 on GitBugs Hadoop over title + body alone (docs/evaluation.md).
A query with its own title (a ticket) embeds it separately; free text is used for both fields.
Documents without a title reuse their title + body vector.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from tickets.retrieval.documents import Document, search_texts
from tickets.retrieval.hits import Hits, top_k
from tickets.retrieval.settings import DenseSettings
from tickets.retrieval.vectors import VectorIndex

Embed = Callable[[list[str]], np.ndarray]


class DenseIndex:
    def __init__(self, body: VectorIndex, title: VectorIndex | None) -> None:
        self.body = body
        self.title = title

    @property
    def size(self) -> int:
        return self.body.size

    @classmethod
    def build(
        cls, documents: Sequence[Document], embed: Embed, settings: DenseSettings, dim: int
    ) -> DenseIndex:
        index = cls(_empty(dim, settings), _empty(dim, settings) if settings.title_field else None)
        index.add(documents, embed)
        return index

    def add(self, documents: Sequence[Document], embed: Embed) -> None:
        if not documents:
            return
        body = embed(search_texts(documents))
        self.body.add(body)
        if self.title is not None:
            self.title.add(_title_vectors(documents, body, embed))

    def scores(self, vector: np.ndarray, title_vector: np.ndarray | None = None) -> np.ndarray:
        """Exact score of every document (mean of the field cosines)."""
        scores = self.body.scores(vector)
        if self.title is None:
            return scores
        title_vector = vector if title_vector is None else title_vector
        return (scores + self.title.scores(title_vector)) / 2

    def search(
        self,
        vector: np.ndarray,
        depth: int,
        allowed: np.ndarray | None = None,
        title_vector: np.ndarray | None = None,
    ) -> Hits:
        if self.title is None:
            return self.body.search(vector, depth, allowed)
        if allowed is not None or self.body.kind == "flat":
            return top_k(self.scores(vector, title_vector), depth, allowed)
        title_vector = vector if title_vector is None else title_vector
        found = np.union1d(
            self.body.search(vector, depth).indices, self.title.search(title_vector, depth).indices
        )
        exact = (self.body.vectors_[found] @ vector + self.title.vectors_[found] @ title_vector) / 2
        best = top_k(exact, depth)
        return Hits(found[best.indices], best.scores)

    def save(self, folder: Path) -> None:
        self.body.save(folder / "body")
        if self.title is not None:
            self.title.save(folder / "title")

    @classmethod
    def load(cls, folder: Path, settings: DenseSettings, dim: int) -> DenseIndex:
        body = VectorIndex.load(folder / "body", dim, settings.ivf_threshold, settings.ivf_nprobe)
        title = None
        if (folder / "title").is_dir():
            title = VectorIndex.load(
                folder / "title", dim, settings.ivf_threshold, settings.ivf_nprobe
            )
        return cls(body, title)

    @property
    def stored_vectors(self) -> np.ndarray:
        return self.body.vectors_


def _empty(dim: int, settings: DenseSettings) -> VectorIndex:
    return VectorIndex(dim, settings.ivf_threshold, settings.ivf_nprobe)


def _title_vectors(documents: Sequence[Document], body: np.ndarray, embed: Embed) -> np.ndarray:
    titled = [i for i, d in enumerate(documents) if d.title.strip()]
    vectors = body.copy()
    if titled:
        vectors[titled] = embed([documents[i].title for i in titled])
    return vectors

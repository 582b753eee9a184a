"""A collection: documents of one kind with their BM25 index and their vectors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from tickets.retrieval.dense import DenseIndex
from tickets.retrieval.documents import (
    Document,
    documents_from_table,
    documents_table,
    search_texts,
)
from tickets.retrieval.lexical import LexicalIndex
from tickets.retrieval.settings import DenseSettings, LexicalSettings

DOCUMENTS_FILE = "documents.parquet"


class Collection:
    def __init__(self, documents: list[Document], lexical: LexicalIndex, dense: DenseIndex) -> None:
        if not (len(documents) == lexical.size == dense.size):
            raise ValueError(
                f"collection out of step: {len(documents)} documents, {lexical.size} BM25 "
                f"rows, {dense.size} vectors; rebuild with 'python main.py index --rebuild'"
            )
        self.documents = documents
        self.lexical = lexical
        self.dense = dense
        self._position = {d.doc_id: i for i, d in enumerate(documents)}

    @property
    def size(self) -> int:
        return len(self.documents)

    @classmethod
    def build(
        cls,
        documents: Sequence[Document],
        embed: Callable[[list[str]], np.ndarray],
        lexical: LexicalSettings,
        dense: DenseSettings,
        dim: int,
    ) -> Collection:
        vectors = DenseIndex.build(documents, embed, dense, dim)
        return cls(list(documents), LexicalIndex(lexical).fit(search_texts(documents)), vectors)

    def add(self, documents: Sequence[Document], embed: Callable[[list[str]], np.ndarray]) -> None:
        """Append new documents (ids already present are skipped)."""
        fresh = [d for d in documents if d.doc_id not in self._position]
        if not fresh:
            return
        self.dense.add(fresh, embed)
        self.lexical.add(search_texts(fresh))
        for doc in fresh:
            self._position[doc.doc_id] = len(self.documents)
            self.documents.append(doc)

    def position(self, doc_id: str) -> int | None:
        return self._position.get(doc_id)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(documents_table(self.documents), folder / DOCUMENTS_FILE)
        self.lexical.save(folder / "bm25")
        self.dense.save(folder / "dense")

    @classmethod
    def load(
        cls, folder: Path, lexical: LexicalSettings, dense: DenseSettings, dim: int
    ) -> Collection:
        documents = documents_from_table(pq.read_table(folder / DOCUMENTS_FILE))
        return cls(
            documents,
            LexicalIndex.load(folder / "bm25", lexical),
            DenseIndex.load(folder / "dense", dense, dim),
        )

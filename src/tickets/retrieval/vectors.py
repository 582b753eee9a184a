"""Dense vectors in faiss: exact inner product for small corpora, IVF for large ones.

Vectors are L2-normalised, so inner product is cosine similarity. The raw vectors are kept
next to the faiss index, so adding documents never needs the embedder for old ones, and the
index can switch from exact to IVF when the corpus crosses ``ivf_threshold``.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

import numpy as np

from tickets.retrieval.hits import Hits, top_k

logging.getLogger("faiss.loader").setLevel(logging.WARNING)  # it logs each CPU probe at INFO

_VECTORS_FILE = "vectors.npy"
_FAISS_FILE = "vectors.faiss"


class VectorIndex:
    def __init__(self, dim: int, ivf_threshold: int = 50_000, nprobe: int = 24) -> None:
        self.dim = dim
        self.ivf_threshold = ivf_threshold
        self.nprobe = nprobe
        self.vectors_ = np.empty((0, dim), dtype=np.float32)
        self._faiss: Any = None

    @property
    def size(self) -> int:
        return len(self.vectors_)

    @property
    def kind(self) -> str:
        return "ivf" if self.size >= self.ivf_threshold else "flat"

    def fit(self, vectors: np.ndarray) -> VectorIndex:
        self.vectors_ = np.empty((0, self.dim), dtype=np.float32)
        self._faiss = None
        return self.add(vectors)

    def add(self, vectors: np.ndarray) -> VectorIndex:
        """Append vectors; an IVF index keeps its trained centroids, a flat one just grows."""
        vectors = _checked(vectors, self.dim)
        before = self.kind
        self.vectors_ = np.vstack([self.vectors_, vectors])
        if self._faiss is None or before != self.kind:
            self._faiss = self._build(self.vectors_)
        else:
            self._faiss.add(vectors)
        return self

    def _build(self, vectors: np.ndarray) -> Any:
        import faiss

        index: Any
        if self.kind == "flat":
            index = faiss.IndexFlatIP(self.dim)
        else:
            nlist = max(16, int(4 * math.sqrt(len(vectors))))
            quantizer = faiss.IndexFlatIP(self.dim)
            index = faiss.IndexIVFFlat(quantizer, self.dim, nlist, faiss.METRIC_INNER_PRODUCT)
            index.train(_training_sample(vectors, nlist * 64))
            index.nprobe = self.nprobe
        index.add(vectors)
        return index

    def scores(self, query: np.ndarray) -> np.ndarray:
        """Exact cosine of ``query`` with every vector (for evaluation and small corpora)."""
        return self.vectors_ @ _checked(query[None, :], self.dim)[0]

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> Hits:
        if self.size == 0:
            return Hits.empty()
        if allowed is not None or self._faiss is None:
            return top_k(self.scores(query), k, allowed)
        scores, ids = self._faiss.search(_checked(query[None, :], self.dim), min(k, self.size))
        keep = ids[0] >= 0
        return Hits(ids[0][keep].astype(np.int64), scores[0][keep])

    def save(self, folder: Path) -> None:
        import faiss

        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / _VECTORS_FILE, self.vectors_)
        if self._faiss is not None:
            faiss.write_index(self._faiss, str(folder / _FAISS_FILE))

    @classmethod
    def load(cls, folder: Path, dim: int, ivf_threshold: int, nprobe: int) -> VectorIndex:
        import faiss

        index = cls(dim, ivf_threshold, nprobe)
        index.vectors_ = _checked(np.load(folder / _VECTORS_FILE), dim)
        if (folder / _FAISS_FILE).exists():
            index._faiss = faiss.read_index(str(folder / _FAISS_FILE))
            if hasattr(index._faiss, "nprobe"):
                index._faiss.nprobe = nprobe
        return index


def _checked(vectors: np.ndarray, dim: int) -> np.ndarray:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[1] != dim:
        raise ValueError(f"expected vectors of shape (n, {dim}), got {vectors.shape}")
    return vectors


def _training_sample(vectors: np.ndarray, size: int) -> np.ndarray:
    if len(vectors) <= size:
        return vectors
    rng = np.random.default_rng(0)
    return vectors[np.sort(rng.choice(len(vectors), size, replace=False))]

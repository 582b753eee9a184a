"""A deterministic stand-in for the sentence embedder, for unit tests of the plumbing only.

Bag of lower-cased words hashed into 256 buckets, L2-normalised: texts sharing words are
close. It implements the same ``Embedder`` interface as MiniLM; tests that check what the
real model does use MiniLM itself (see test_embedder.py).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

_WORD = re.compile(r"[a-z0-9]+")


class HashingEmbedder:
    dim = 256

    def __init__(self) -> None:
        self.calls: list[int] = []  # batch sizes, to check what gets (re)embedded

    @property
    def name(self) -> str:
        return "hashing-256"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                bucket = int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim
                out[row, bucket] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)

    @property
    def embedded(self) -> int:
        return sum(self.calls)

"""A cheap stand-in for MiniLM in the lifecycle tests: words hashed into 64 buckets,
L2-normalised (texts sharing words are close). The real model embeds a few hundred texts a
second on an idle machine; the retrain story would spend most of its time there."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

_WORD = re.compile(r"[a-z0-9]+")


class WordHashEmbedder:
    dim = 64
    name = "word-hash-64"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)


def make_fake_embedder(*_args: object, **_kwargs: object) -> WordHashEmbedder:
    return WordHashEmbedder()

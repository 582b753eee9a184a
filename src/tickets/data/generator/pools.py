"""Phrase pools: many pre-rendered strings per key, picked for millions of rows at once.

A pool holds groups of strings (one group per key, e.g. per language × issue) in one Arrow
array. ``pick`` turns a key and a uniform number per row into an index and does a single
``take``: the per-ticket work is numpy arithmetic plus Arrow kernels, never a Python loop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

_WORD = re.compile(r"\b[a-z]{4,}\b")


@dataclass(frozen=True)
class Pool:
    values: pa.Array
    offsets: np.ndarray
    sizes: np.ndarray

    @classmethod
    def from_groups(cls, groups: list[list[str]]) -> Pool:
        if any(not group for group in groups):
            raise ValueError("every pool group needs at least one string (use '' for none)")
        sizes = np.array([len(g) for g in groups], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        values = pa.array([s for g in groups for s in g], type=pa.string())
        return cls(values, offsets, sizes)

    def pick(self, key: np.ndarray, u: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
        """One string per row from its key's group; rows where ``mask`` is True become null."""
        index = self.offsets[key] + np.minimum(
            (u * self.sizes[key]).astype(np.int64), self.sizes[key] - 1
        )
        return self.values.take(pa.array(index, mask=mask))


def sentence(text: str) -> str:
    """A sentence part: stripped and followed by one space (empty stays empty)."""
    text = text.strip()
    return text + " " if text else ""


def with_typo(text: str, rng: np.random.Generator) -> str:
    """The text with one typo (swap, drop or doubled letter) in a lower-case word.

    Words with capitals or digits (product names, error codes, versions) stay intact.
    """
    words = [m for m in _WORD.finditer(text)]
    if not words:
        return text
    word = words[int(rng.integers(len(words)))]
    at = word.start() + int(rng.integers(1, word.end() - word.start() - 1))
    kind = int(rng.integers(3))
    if kind == 0:
        return text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    if kind == 1:
        return text[:at] + text[at + 1 :]
    return text[:at] + text[at] + text[at:]

"""Phrase pools pick within the row's group; typos spare codes and names."""

from __future__ import annotations

import numpy as np

from tickets.data.generator.pools import Pool, with_typo


def test_pick_stays_inside_the_key_group():
    pool = Pool.from_groups([["a0", "a1"], ["b0"], ["c0", "c1", "c2"]])
    keys = np.array([0, 0, 1, 2, 2])
    u = np.array([0.0, 0.99, 0.5, 0.34, 0.999])
    assert pool.pick(keys, u).to_pylist() == ["a0", "a1", "b0", "c1", "c2"]


def test_masked_rows_are_null():
    pool = Pool.from_groups([["x"]])
    picked = pool.pick(np.zeros(2, dtype=np.int64), np.zeros(2), mask=np.array([True, False]))
    assert picked.to_pylist() == [None, "x"]


def test_typo_changes_one_lower_case_word_only():
    rng = np.random.default_rng(0)
    text = "Router-X E1042 because firmware broke down"  # no doubled letters to swap
    for _ in range(20):
        typo = with_typo(text, rng)
        assert typo != text
        assert typo.startswith("Router-X E1042 ")

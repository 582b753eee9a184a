"""The embedding cache, and the real MiniLM model behind the same interface."""

from __future__ import annotations

import numpy as np
import pytest

from tickets.retrieval.embedder import CachedEmbedder, Embedder, MiniLMEmbedder

from .fakes import HashingEmbedder


def test_cache_embeds_each_distinct_text_once_across_runs(tmp_path):
    first = HashingEmbedder()
    vectors = CachedEmbedder(first, tmp_path).embed(["vpn drops", "printer jam", "vpn drops"])
    assert first.calls == [2]  # the repeated text is embedded once
    second = HashingEmbedder()
    again = CachedEmbedder(second, tmp_path).embed(["printer jam", "vpn drops", "new text"])
    assert second.calls == [1]  # only "new text" is new on disk
    assert np.array_equal(again[:2], vectors[[1, 0]])


def test_cache_is_keyed_by_model_name(tmp_path):
    CachedEmbedder(HashingEmbedder(), tmp_path).embed(["vpn drops"])
    assert [p.name for p in tmp_path.iterdir()] == ["hashing-256"]


def test_many_small_shards_are_compacted_into_one(tmp_path):
    cached = CachedEmbedder(HashingEmbedder(), tmp_path)
    for n in range(70):
        cached.embed([f"text {n}"])
    reopened = CachedEmbedder(HashingEmbedder(), tmp_path)
    assert reopened.embed(["text 3"]).shape == (1, 256)
    assert len(list((tmp_path / "hashing-256").glob("shard-*.npz"))) == 1


def test_an_unreadable_shard_is_skipped_not_fatal(tmp_path):
    cached = CachedEmbedder(HashingEmbedder(), tmp_path)
    cached.embed(["vpn drops"])
    (tmp_path / "hashing-256" / "shard-broken.npz").write_bytes(b"not a zip")
    inner = HashingEmbedder()
    CachedEmbedder(inner, tmp_path).embed(["vpn drops"])
    assert inner.calls == []


def test_minilm_is_an_embedder_with_normalised_384_d_vectors(minilm):
    assert isinstance(minilm, Embedder)
    vectors = minilm.embed(["The printer jams paper", "VPN keeps disconnecting"])
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    assert np.linalg.norm(vectors, axis=1) == pytest.approx([1.0, 1.0], abs=1e-5)


def test_minilm_puts_paraphrases_closer_than_unrelated_text(minilm):
    # no shared content words between the query and the right document
    query, right, wrong = minilm.embed(
        [
            "my laptop cannot connect to the company network from home",
            "VPN client fails to establish a tunnel for remote workers",
            "the office printer is out of toner",
        ]
    )
    assert query @ right > query @ wrong + 0.1


def test_minilm_truncates_to_its_configured_length():
    assert MiniLMEmbedder(max_seq_length=64).name.endswith("@64")

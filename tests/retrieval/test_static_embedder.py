"""The static embedder: lookup-and-sum vectors, IDF weights, corpus adaptation, persistence.

The teacher is the hashing stand-in and the base table is planted in the cache folder, so
these tests need no transformer; the index round trip checks that queries use the table the
documents were embedded with.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest

from tickets.retrieval.builder import build_index
from tickets.retrieval.corpus import load_corpus
from tickets.retrieval.settings import DenseSettings, RetrievalSettings, StaticSettings
from tickets.retrieval.static_embedder import (
    StaticEmbedder,
    _token_ids,
    _tokenizer,
    adaptation_sample,
    static_of,
)
from tickets.retrieval.store import EMBEDDER_DIR, load_index

from .fakes import HashingEmbedder

TEXTS = [
    "Printer offline after the driver update. Users cannot print from the finance floor.",
    "VPN client fails with error 809 when connecting from home. Reinstalling did not help.",
    "Password reset link expired before the user could open it.",
    "Outlook keeps asking for the password after the mailbox migration.",
]


def _planted(tmp_path: Path, teacher: HashingEmbedder) -> Path:
    """A random base table where ``base_table`` looks for the teacher's cached one."""
    rows = np.random.default_rng(3).normal(size=(_tokenizer(256).get_vocab_size(), teacher.dim))
    cache = tmp_path / "cache"
    cache.mkdir()
    np.save(cache / f"static-base-{teacher.name}.npy", rows.astype(np.float32))
    return cache


def _pieces(text: str) -> list[int]:
    return _tokenizer(256).encode(text, add_special_tokens=False).ids


def test_vectors_are_the_normalised_idf_weighted_sum_of_the_pieces(tmp_path):
    teacher = HashingEmbedder()
    cache = _planted(tmp_path, teacher)
    static = StaticEmbedder(teacher, StaticSettings(adapt_texts=0), cache)
    static.fit(TEXTS)
    base = np.load(cache / f"static-base-{teacher.name}.npy")
    # independent calculation: document frequency of each piece over the four texts
    n = len(TEXTS)
    df: dict[int, int] = {}
    for text in TEXTS:
        for piece in set(_pieces(text)):
            df[piece] = df.get(piece, 0) + 1
    query = "printer driver error 809"

    def row(piece: int) -> np.ndarray:  # weighted, then rounded to float16 as the table is
        weighted = base[piece] * np.float32(math.log((n + 1) / (df.get(piece, 0) + 0.5)))
        return weighted.astype(np.float16).astype(np.float64)

    expected = sum(row(p) for p in _pieces(query))
    expected = expected / np.linalg.norm(expected)
    got = static.embed([query, ""])
    np.testing.assert_allclose(got[0], expected, rtol=1e-4, atol=1e-5)
    assert not got[1].any()  # an empty text has no pieces: the zero vector
    assert static.report["sample"] == 0 and teacher.calls == []  # no adaptation asked


def test_adaptation_moves_the_sample_towards_the_teacher(tmp_path):
    teacher = HashingEmbedder()
    cache = _planted(tmp_path, teacher)
    texts = TEXTS * 3
    before = StaticEmbedder(teacher, StaticSettings(adapt_texts=0), cache)
    before.fit(texts)
    quick = StaticSettings(adapt_texts=30, epochs=100, learning_rate=0.1)
    adapted = StaticEmbedder(teacher, quick, cache)
    adapted.fit(texts)
    sample = adaptation_sample(texts, 30, seed=0)
    target = teacher.embed(sample)
    cos_before = (before.embed(sample) * target).sum(1).mean()
    cos_after = (adapted.embed(sample) * target).sum(1).mean()
    assert cos_after > cos_before + 0.3
    assert adapted.report["adapt_loss"] == pytest.approx(1 - cos_after, abs=0.05)


def test_adaptation_sample_mixes_texts_titles_and_sentences_deterministically():
    body = "First sentence of body {0} here. Second one of body {0} too."
    texts = [f"Subject {i}\n" + body.format(i) for i in range(30)]
    sample = adaptation_sample(texts, 30, seed=1)
    assert sample == adaptation_sample(texts, 30, seed=1)
    assert len(sample) == len(set(sample)) <= 30
    assert sum(t in texts for t in sample) == 10  # a third whole texts
    assert sum(t.startswith("Subject") and "\n" not in t for t in sample) == 10  # their titles
    assert adaptation_sample(texts, 0, seed=1) == []


def test_unfitted_embedder_refuses_to_embed():
    with pytest.raises(RuntimeError, match="before it was fitted"):
        StaticEmbedder(HashingEmbedder(), StaticSettings()).embed(["x"])


def test_token_ids_flatten_and_truncate():
    ids, starts = _token_ids(["a b c d e f", "", "printer"], max_tokens=4)
    assert starts.tolist() == [0, 4, 4]
    assert len(ids) == 4 + len(_pieces("printer"))


def test_index_keeps_its_table_and_queries_use_it(tmp_path, warehouse_dir):
    teacher = HashingEmbedder()
    cache = _planted(tmp_path, teacher)
    dense = DenseSettings(encoder="static", static=StaticSettings(adapt_texts=12, epochs=3))
    settings = dataclasses.replace(RetrievalSettings(), dense=dense)
    corpus = load_corpus(_warehouse(warehouse_dir))
    builder = StaticEmbedder(teacher, dense.static, cache)
    build_index(corpus, tmp_path / "index", settings, builder)
    assert (tmp_path / "index" / EMBEDDER_DIR / "static.npz").is_file()

    reader = StaticEmbedder(HashingEmbedder(), dense.static, cache)  # a new process, unfitted
    index = load_index(tmp_path / "index", settings, reader)
    assert static_of(index.retriever.embedder) is reader and reader.fitted
    ticket = corpus.tickets[0]
    stored = index.tickets.dense.body.vectors_[0]
    # the table is rounded to float16 when fitted, as saved: a query gives the stored vector
    np.testing.assert_allclose(reader.embed([ticket.search_text])[0], stored, atol=1e-6)

    # an update reads the table back instead of refitting it (the teacher is never asked)
    updater_teacher = HashingEmbedder()
    updater = StaticEmbedder(updater_teacher, dense.static, cache)
    report = build_index(corpus, tmp_path / "index", settings, updater)
    assert report.mode == "unchanged"
    smaller = dataclasses.replace(corpus, tickets=corpus.tickets[:-2])
    build_index(
        smaller, tmp_path / "index2", settings, StaticEmbedder(teacher, dense.static, cache)
    )
    report = build_index(corpus, tmp_path / "index2", settings, updater)
    assert report.mode == "update" and report.new_tickets == 2
    assert updater_teacher.calls == []


def _warehouse(path: Path):
    from tickets.data.warehouse import Warehouse

    return Warehouse.at(path)

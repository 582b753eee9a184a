"""BM25: hand-computed scores, equality with bm25s's own index, updates, persistence."""

from __future__ import annotations

import math

import bm25s
import numpy as np
import pytest

from tickets.retrieval.lexical import LexicalIndex
from tickets.retrieval.settings import LexicalSettings

PLAIN = LexicalSettings(stemmer=None, stopwords=None, split_identifiers=False)
DOCS = ["vpn drops", "printer jams", "vpn client vpn"]


def test_bm25_scores_match_the_lucene_formula_worked_by_hand():
    # N=3, avgdl=7/3; "vpn" is in 2 docs: idf = ln(1 + (3-2+0.5)/(2+0.5)) = ln 1.6
    # doc0: tf 1, dl 2 -> 1 / (1 + 1.2*(0.25 + 0.75*2/(7/3))) = 0.482759
    # doc2: tf 2, dl 3 -> 2 / (2 + 1.2*(0.25 + 0.75*3/(7/3))) = 0.578512
    scores = LexicalIndex(PLAIN).fit(DOCS).scores("vpn")
    idf = math.log(1.6)
    assert scores == pytest.approx([idf * 0.482759, 0.0, idf * 0.578512], abs=1e-5)


def test_score_matrix_equals_bm25s_own_index_on_a_real_sample():
    texts = [
        "NullPointerException in org.apache.hadoop.fs.FileSystem when the namenode restarts",
        "Router-X drops the WAN link with E1042 after firmware 4.3.0",
        "the printer jams paper in tray 2, paper paper paper",
        "",
        "WAN link down again: E1042, E1042 and a reboot does not help",
    ]
    ours = LexicalIndex().fit(texts)
    reference = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
    ids = [d.tolist() for d in ours.doc_tokens_]
    reference.index((ids, dict(ours.vocab_)), create_empty_token=False, show_progress=False)
    for query in ("E1042 WAN", "paper jam", "hadoop filesystem null pointer", "firmware"):
        token_ids = ours.query_ids(query)
        assert np.allclose(ours.scores(query), reference.get_scores_from_ids(token_ids), atol=1e-6)


def test_adding_documents_gives_the_same_index_as_fitting_them_all():
    grown = LexicalIndex().fit(DOCS[:2]).add(DOCS[2:])
    whole = LexicalIndex().fit(DOCS)
    assert np.allclose(grown.scores("vpn client"), whole.scores("vpn client"))


def test_unknown_words_score_zero_and_return_no_hits():
    index = LexicalIndex(PLAIN).fit(DOCS)
    assert not index.scores("kubernetes").any()
    assert len(index.search("kubernetes", 5)) == 0


def test_search_respects_the_allowed_mask():
    index = LexicalIndex(PLAIN).fit(DOCS)
    hits = index.search("vpn", 5, allowed=np.array([True, True, False]))
    assert hits.indices.tolist() == [0]


def test_save_and_load_round_trip(tmp_path):
    index = LexicalIndex().fit(DOCS)
    index.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25", LexicalSettings())
    assert np.allclose(loaded.scores("vpn drops"), index.scores("vpn drops"))

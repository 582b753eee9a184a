"""BM25 over bm25s, with our tokenizer and token ids we keep so updates skip re-tokenising.

bm25s builds its score matrix in a Python loop over documents (about 18 s for 100k tickets
here), too slow for the 10 s incremental-update target. ``bm25_score_matrix`` builds the same
Lucene-variant CSC matrix with numpy (tests check it equals bm25s's own ``index()``); bm25s
then scores queries from it as usual (``get_scores_from_ids``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from tickets.retrieval.hits import Hits, top_k
from tickets.retrieval.settings import LexicalSettings
from tickets.retrieval.text import LexicalTokenizer

_TOKENS_FILE = "token_ids.npz"
_VOCAB_FILE = "vocab.json"
_MATRIX_FILE = "scores.npz"


def bm25_score_matrix(
    tokens: np.ndarray, lengths: np.ndarray, n_vocab: int, k1: float, b: float
) -> dict[str, Any]:
    """bm25s's Lucene score matrix (documents x vocabulary, CSC by token), built with numpy.

    ``tokens`` holds every document's token ids end to end; ``lengths`` says how many each has.
    """
    n_docs = len(lengths)
    docs = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
    # sorting by (token, document) puts the pairs straight into CSC order
    pairs, tf = np.unique(tokens.astype(np.int64) * max(n_docs, 1) + docs, return_counts=True)
    pair_tokens, pair_docs = np.divmod(pairs, max(n_docs, 1))
    df = np.bincount(pair_tokens, minlength=n_vocab)
    idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
    avg_len = lengths.mean() if n_docs else 1.0
    tf = tf.astype(np.float64)
    norm = k1 * ((1 - b) + b * lengths[pair_docs] / max(avg_len, 1e-9))
    indptr = np.zeros(max(n_vocab, 1) + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1 : n_vocab + 1])
    return {
        "data": (idf[pair_tokens] * tf / (norm + tf)).astype(np.float32),
        "indices": pair_docs.astype(np.int32),
        "indptr": indptr,
        "num_docs": n_docs,
    }


class LexicalIndex:
    """BM25 (Lucene variant) over tokenised documents.

    Documents are kept as token ids against a vocabulary that only grows, so adding documents
    tokenises just the new ones; the score matrix is rebuilt from ids when next needed.
    Both the ids and the matrix are saved, so opening an index for queries builds nothing.
    """

    def __init__(self, settings: LexicalSettings | None = None) -> None:
        self.settings = settings or LexicalSettings()
        self.tokenizer = LexicalTokenizer(
            self.settings.stemmer, self.settings.stopwords, self.settings.split_identifiers
        )
        self.vocab_: dict[str, int] = {}
        self._tokens = np.empty(0, dtype=np.int32)
        self._lengths = np.empty(0, dtype=np.int64)
        self._bm25 = None  # the bm25s scorer; None when documents were added since

    @property
    def size(self) -> int:
        return len(self._lengths)

    @property
    def doc_tokens_(self) -> list[np.ndarray]:
        return np.split(self._tokens, np.cumsum(self._lengths)[:-1]) if self.size else []

    def fit(self, texts: Sequence[str]) -> LexicalIndex:
        self.vocab_ = {}
        self._tokens, self._lengths = np.empty(0, np.int32), np.empty(0, np.int64)
        return self.add(texts)

    def add(self, texts: Sequence[str]) -> LexicalIndex:
        """Tokenise ``texts`` and append them."""
        new_ids: list[int] = []
        new_lengths: list[int] = []
        for tokens in self.tokenizer.tokenize_many(texts):
            new_ids.extend(self.vocab_.setdefault(t, len(self.vocab_)) for t in tokens)
            new_lengths.append(len(tokens))
        self._tokens = np.concatenate([self._tokens, np.asarray(new_ids, dtype=np.int32)])
        self._lengths = np.concatenate([self._lengths, np.asarray(new_lengths, dtype=np.int64)])
        self._bm25 = None
        return self

    def _engine(self):  # type: ignore[no-untyped-def]
        if self._bm25 is None:
            matrix = bm25_score_matrix(
                self._tokens, self._lengths, len(self.vocab_), self.settings.k1, self.settings.b
            )
            self._bm25 = self._scorer(matrix)
        return self._bm25

    def _scorer(self, matrix: dict[str, Any]):  # type: ignore[no-untyped-def]
        import bm25s

        bm25 = bm25s.BM25(k1=self.settings.k1, b=self.settings.b, method="lucene")
        bm25.scores = matrix
        bm25.vocab_dict = self.vocab_
        bm25.nonoccurrence_array = None  # only BM25L and BM25+ use it
        bm25.unique_token_ids_set = set()  # only used by bm25s's own retrieve()
        return bm25

    def query_ids(self, query: str) -> list[int]:
        return [self.vocab_[t] for t in self.tokenizer.tokenize(query) if t in self.vocab_]

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for ``query`` (zeros when no query word is known)."""
        ids = self.query_ids(query)
        if not ids or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._engine().get_scores_from_ids(ids), dtype=np.float32)

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> Hits:
        scores = self.scores(query)
        hits = top_k(scores, k, allowed)
        keep = hits.scores > 0
        return Hits(hits.indices[keep], hits.scores[keep])

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez(folder / _TOKENS_FILE, lengths=self._lengths, tokens=self._tokens)
        vocab = sorted(self.vocab_, key=self.vocab_.__getitem__)
        (folder / _VOCAB_FILE).write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        matrix = self._engine().scores
        np.savez(
            folder / _MATRIX_FILE,
            data=matrix["data"],
            indices=matrix["indices"],
            indptr=matrix["indptr"],
            num_docs=np.array(matrix["num_docs"]),
        )

    @classmethod
    def load(cls, folder: Path, settings: LexicalSettings) -> LexicalIndex:
        index = cls(settings)
        words = json.loads((folder / _VOCAB_FILE).read_text(encoding="utf-8"))
        index.vocab_ = {w: i for i, w in enumerate(words)}
        with np.load(folder / _TOKENS_FILE) as saved:
            index._tokens, index._lengths = saved["tokens"], saved["lengths"]
        with np.load(folder / _MATRIX_FILE) as saved:
            matrix = {key: saved[key] for key in ("data", "indices", "indptr")}
            matrix["num_docs"] = int(saved["num_docs"])
        index._bm25 = index._scorer(matrix)
        return index

"""BM25 over bm25s, with our tokenizer and token ids we keep so updates skip re-tokenising."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from tickets.retrieval.hits import Hits, top_k
from tickets.retrieval.settings import LexicalSettings
from tickets.retrieval.text import LexicalTokenizer

_TOKENS_FILE = "token_ids.npz"
_VOCAB_FILE = "vocab.json"


class LexicalIndex:
    """BM25 (Lucene variant) over tokenised documents.

    Documents are stored as token ids against a vocabulary that only grows, so adding documents
    tokenises just the new ones and rebuilds the score matrix from ids.
    """

    def __init__(self, settings: LexicalSettings | None = None) -> None:
        self.settings = settings or LexicalSettings()
        self.tokenizer = LexicalTokenizer(
            self.settings.stemmer, self.settings.stopwords, self.settings.split_identifiers
        )
        self.vocab_: dict[str, int] = {}
        self.doc_tokens_: list[np.ndarray] = []
        self._bm25 = None

    @property
    def size(self) -> int:
        return len(self.doc_tokens_)

    def fit(self, texts: Sequence[str]) -> LexicalIndex:
        self.vocab_, self.doc_tokens_ = {}, []
        return self.add(texts)

    def add(self, texts: Sequence[str]) -> LexicalIndex:
        """Tokenise ``texts``, append them, and rebuild the BM25 score matrix."""
        for tokens in self.tokenizer.tokenize_many(texts):
            ids = [self.vocab_.setdefault(t, len(self.vocab_)) for t in tokens]
            self.doc_tokens_.append(np.asarray(ids, dtype=np.int32))
        self._rebuild()
        return self

    def _rebuild(self) -> None:
        import bm25s

        bm25 = bm25s.BM25(k1=self.settings.k1, b=self.settings.b, method="lucene")
        vocab = dict(self.vocab_)
        vocab.setdefault("", len(vocab))  # bm25s scores token-less documents via an empty token
        ids = [d.tolist() for d in self.doc_tokens_]
        bm25.index((ids, vocab), create_empty_token=False, show_progress=False)
        self._bm25 = bm25

    def query_ids(self, query: str) -> list[int]:
        return [self.vocab_[t] for t in self.tokenizer.tokenize(query) if t in self.vocab_]

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for ``query`` (zeros when no query word is known)."""
        ids = self.query_ids(query)
        if not ids or self._bm25 is None:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> Hits:
        scores = self.scores(query)
        hits = top_k(scores, k, allowed)
        keep = hits.scores > 0
        return Hits(hits.indices[keep], hits.scores[keep])

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        lengths = np.array([len(d) for d in self.doc_tokens_], dtype=np.int64)
        flat = np.concatenate(self.doc_tokens_) if self.doc_tokens_ else np.empty(0, np.int32)
        np.savez(folder / _TOKENS_FILE, lengths=lengths, tokens=flat)
        vocab = sorted(self.vocab_, key=self.vocab_.__getitem__)
        (folder / _VOCAB_FILE).write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, settings: LexicalSettings) -> LexicalIndex:
        index = cls(settings)
        words = json.loads((folder / _VOCAB_FILE).read_text(encoding="utf-8"))
        index.vocab_ = {w: i for i, w in enumerate(words)}
        with np.load(folder / _TOKENS_FILE) as saved:
            lengths = saved["lengths"]
            if len(lengths):
                index.doc_tokens_ = np.split(saved["tokens"], np.cumsum(lengths)[:-1])
        index._rebuild()
        return index

"""The text features every member reads: word + character TF-IDF, shared and computed once.

:class:`WordCharTfidf` puts sub-linear word (1–2) and character (2–5, within words) TF-IDF
side by side. It is fitted through the batch (:meth:`TicketBatch.fitted_transform`), keyed by
its :class:`TextSettings`: ensemble members with equal settings share one fitted transform,
and a batch computes its features once for all of them. :func:`project` applies a fitted SVD.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer

from tickets.models.char_ngrams import CharNgramTfidf
from tickets.models.features import TicketBatch


class WordCharTfidf(TransformerMixin, BaseEstimator):
    """Word TF-IDF (scikit-learn) and :class:`CharNgramTfidf` columns side by side."""

    def __init__(
        self,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (2, 5),
        min_df: int = 2,
        max_features: int = 200_000,
    ) -> None:
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.max_features = max_features

    def fit_transform(self, texts: list[str], y: object = None) -> sp.csr_matrix:
        self.word_ = TfidfVectorizer(
            ngram_range=tuple(self.word_ngrams),
            max_features=self.max_features,
            sublinear_tf=True,
            min_df=self.min_df,
            dtype=np.float32,
        )
        self.char_ = CharNgramTfidf(
            tuple(self.char_ngrams),  # type: ignore[arg-type]
            min_df=self.min_df,
            max_features=self.max_features,
        )
        parts = [self.word_.fit_transform(texts), self.char_.fit_transform(texts)]
        return sp.hstack(parts, format="csr")  # type: ignore[no-any-return]

    def fit(self, texts: list[str], y: object = None) -> WordCharTfidf:
        self.fit_transform(texts)
        return self

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        parts = [self.word_.transform(texts), self.char_.transform(texts)]
        return sp.hstack(parts, format="csr")  # type: ignore[no-any-return]


@dataclass(frozen=True)
class TextSettings:
    """Settings of the word + char TF-IDF; equal settings share one fitted transform."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    min_df: int = 2
    max_features: int = 200_000

    @classmethod
    def of(cls, estimator: Any) -> TextSettings:
        """The settings in an estimator's ``word_ngrams``, ``char_ngrams``, ``min_df`` and
        ``max_features`` parameters."""
        return cls(
            tuple(estimator.word_ngrams),  # type: ignore[arg-type]
            tuple(estimator.char_ngrams),  # type: ignore[arg-type]
            estimator.min_df,
            estimator.max_features,
        )

    def for_rows(self, n_rows: int) -> TextSettings:
        """min_df lowered for tiny training sets (under 100 tickets every n-gram counts)."""
        return replace(self, min_df=min(self.min_df, max(1, n_rows // 50)))

    def fitted(self, batch: TicketBatch) -> tuple[WordCharTfidf, sp.csr_matrix]:
        """The transform fitted on ``batch`` (shared by equal settings) and the batch rows."""
        s = self.for_rows(len(batch))
        transform = batch.fitted_transform(
            s, lambda: WordCharTfidf(s.word_ngrams, s.char_ngrams, s.min_df, s.max_features)
        )
        return transform, batch.text_features(transform)


def project(features: sp.csr_matrix, svd: TruncatedSVD) -> np.ndarray:
    """``svd.transform(features)`` without re-copying the components on every call.

    scipy copies an F-ordered dense operand (``components_.T``) on each sparse product:
    for 200k features × 128 components that copy, not the product, dominated one-ticket
    latency. The C-ordered projection is made once per fitted SVD and kept on it.
    """
    projection = c_ordered_transpose(svd, "projection_", svd.components_, np.float32)
    return np.asarray(features @ projection)


def c_ordered_transpose(
    owner: Any, name: str, matrix: np.ndarray, dtype: np.dtype | type | None = None
) -> np.ndarray:
    """``matrix.T`` as a C-ordered array, made once and kept on ``owner`` as ``name``.

    scipy copies an F-ordered dense operand (a transposed weight matrix) on every sparse
    product; with the copy made once, the product costs only its non-zeros.
    """
    cached = owner.__dict__.get(name)
    if cached is None:
        cached = owner.__dict__[name] = np.ascontiguousarray(matrix.T, dtype=dtype)
    return cached  # type: ignore[no-any-return]

"""NB-SVM (Wang & Manning 2012): a linear SVM per class over naive-Bayes-scaled TF-IDF.

For each class c the word + char TF-IDF columns are multiplied by the log-count ratio
``r_c = log((p_c / |p_c|) / (q_c / |q_c|))``, where ``p_c`` and ``q_c`` are the document
counts of each n-gram in and outside the class plus ``alpha``; a binary LinearSVC is fitted on
the scaled rows (one-vs-rest). n-grams typical of a class get larger inputs, so the SVM weighs
them more than its own L2 penalty would. The ratio is folded into the fitted weights
(``x·r_c·w_c = x·(r_c·w_c)``), so prediction is one sparse product like the linear member.

Text only (no structured fields), and it reads the same shared TF-IDF as the linear member
when their text settings are equal, so in an ensemble it adds one product per batch.
Probabilities are a softmax of the decision values; :class:`TicketClassifier` calibrates them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.svm import LinearSVC

from tickets.models.features import DEFAULT_MAX_CHARS, TicketBatch, as_batch
from tickets.models.labels import class_weights
from tickets.models.linear import softmax
from tickets.models.tfidf import TextSettings


def log_count_ratio(present: sp.csr_matrix, inside: np.ndarray, alpha: float) -> np.ndarray:
    """Per-column log ratio of the smoothed document frequencies inside vs outside a class."""
    counts_in = np.asarray(present[inside].sum(axis=0)).ravel() + alpha
    counts_out = np.asarray(present[~inside].sum(axis=0)).ravel() + alpha
    ratio = np.log(counts_in / counts_in.sum()) - np.log(counts_out / counts_out.sum())
    return ratio.astype(np.float32)  # type: ignore[no-any-return]


class NBSVMTicketClassifier(ClassifierMixin, BaseEstimator):
    """Word + char TF-IDF scaled by per-class NB log-count ratios → one LinearSVC per class."""

    def __init__(
        self,
        C: float = 0.2,
        alpha: float = 1.0,
        class_weight_power: float = 0.0,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (2, 5),
        min_df: int = 2,
        max_features: int = 200_000,
        proba_scale: float = 5.0,
        max_chars: int = DEFAULT_MAX_CHARS,
        random_state: int = 0,
    ) -> None:
        self.C = C
        self.alpha = alpha
        self.class_weight_power = class_weight_power
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.max_features = max_features
        self.proba_scale = proba_scale
        self.max_chars = max_chars
        self.random_state = random_state

    def fit(self, X: pd.DataFrame | TicketBatch, y: np.ndarray) -> NBSVMTicketClassifier:
        batch = as_batch(X, self.max_chars)
        y = np.asarray(y)
        self.vectorizer_, text = TextSettings.of(self).fitted(batch)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError("NB-SVM needs at least two classes")
        present = (text > 0).astype(np.float32).tocsr()
        projection = np.zeros((text.shape[1], len(self.classes_)), dtype=np.float32)
        intercept = np.zeros(len(self.classes_), dtype=np.float64)
        for k, label in enumerate(self.classes_):
            inside = y == label
            ratio = log_count_ratio(present, inside, self.alpha)
            target = inside.astype(np.int64)
            weights = class_weights(target, self.class_weight_power)
            svm = LinearSVC(C=self.C, random_state=self.random_state)
            svm.fit(text.multiply(ratio).tocsr(), target, sample_weight=weights)
            projection[:, k] = ratio * svm.coef_[0]
            intercept[k] = svm.intercept_[0]
        # features × classes, C-ordered: a sparse product with it copies nothing
        self.projection_, self.intercept_ = projection, intercept
        return self

    def decision_function(self, X: pd.DataFrame | TicketBatch) -> np.ndarray:
        batch = as_batch(X, self.max_chars)
        text = batch.text_features(self.vectorizer_)
        return np.asarray(text @ self.projection_, dtype=np.float64) + self.intercept_

    def predict_proba(self, X: pd.DataFrame | TicketBatch) -> np.ndarray:
        return softmax(self.proba_scale * self.decision_function(X))

    def predict(self, X: pd.DataFrame | TicketBatch) -> np.ndarray:
        return self.classes_[self.decision_function(X).argmax(axis=1)]  # type: ignore[no-any-return]

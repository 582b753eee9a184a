"""The baseline: word and character TF-IDF with a linear SVM (scikit-learn estimator contract).

Probabilities are a softmax of the decision values; the wrapping :class:`TicketClassifier`
fits a temperature on held-out tickets, so the baseline is calibrated like every other model.
Structured fields known at arrival (channel, priority, product, segment, customer) that the
input carries are added as one-hot columns scaled by ``structured_weight`` (0 = text only).
Classes are weighted by inverse frequency to ``class_weight_power`` (0 = none, 1 = balanced).
The word + char TF-IDF (:mod:`tickets.models.tfidf`) is shared with the other members of an
ensemble that use the same settings, and computed once per batch.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.svm import LinearSVC

from tickets.models.features import DEFAULT_MAX_CHARS, FeatureSchema, TicketBatch, as_batch
from tickets.models.labels import class_weights
from tickets.models.tfidf import TextSettings, c_ordered_transpose


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]


class LinearTicketClassifier(ClassifierMixin, BaseEstimator):
    """TF-IDF (word + char) and one-hot structured fields → LinearSVC;
    ``predict_proba`` = softmax(scale × decision)."""

    def __init__(
        self,
        C: float = 0.5,
        class_weight_power: float = 0.5,
        structured_weight: float = 0.5,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (2, 5),
        min_df: int = 2,
        max_features: int = 200_000,
        proba_scale: float = 5.0,
        max_chars: int = DEFAULT_MAX_CHARS,
        random_state: int = 0,
    ) -> None:
        self.C = C
        self.class_weight_power = class_weight_power
        self.structured_weight = structured_weight
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.max_features = max_features
        self.proba_scale = proba_scale
        self.max_chars = max_chars
        self.random_state = random_state

    def fit(self, X: pd.DataFrame | TicketBatch, y: np.ndarray) -> LinearTicketClassifier:
        batch = as_batch(X, self.max_chars)
        y = np.asarray(y)
        self.vectorizer_, text = TextSettings.of(self).fitted(batch)
        self.schema_ = FeatureSchema.fit(batch.frame, target=None)
        self.svm_ = LinearSVC(C=self.C, random_state=self.random_state).fit(
            self._design(batch, text), y, sample_weight=class_weights(y, self.class_weight_power)
        )
        self.__dict__.pop("_coef_t_cache", None)
        self.classes_ = self.svm_.classes_
        return self

    def __setstate__(self, state: dict[str, object]) -> None:
        """Models saved before structured columns existed were text-only: load them so."""
        state.setdefault("structured_weight", 0.0)
        super().__setstate__(state)

    def _design(self, batch: TicketBatch, text: sp.csr_matrix) -> sp.csr_matrix:
        if not self.structured_weight or not self.schema_.categories:
            return text
        structured = self.schema_.one_hot(batch.frame) * self.structured_weight
        return sp.hstack([text, structured], format="csr")  # type: ignore[no-any-return]

    def decision_function(self, X: pd.DataFrame | TicketBatch) -> np.ndarray:
        batch = as_batch(X, self.max_chars)
        design = self._design(batch, batch.text_features(self.vectorizer_))
        # C-ordered once per model: copying coef_.T on every call took 23 ms of a one-ticket
        # prediction for 47 classes × 200k features (0.3 ms without); never saved
        weights = c_ordered_transpose(self, "_coef_t_cache", self.svm_.coef_)
        scores = np.asarray(design @ weights) + self.svm_.intercept_
        if scores.shape[1] == 1:  # two classes: one weight vector, for the second class
            scores = np.column_stack([-scores[:, 0], scores[:, 0]])
        return scores

    def __getstate__(self) -> dict[str, object]:
        state = dict(super().__getstate__())  # a copy: the cache is not saved with the model
        state.pop("_coef_t_cache", None)
        return state

    def predict_proba(self, X: pd.DataFrame | TicketBatch) -> np.ndarray:
        return softmax(self.proba_scale * self.decision_function(X))

    def predict(self, X: pd.DataFrame | TicketBatch) -> np.ndarray:
        return self.classes_[self.decision_function(X).argmax(axis=1)]  # type: ignore[no-any-return]

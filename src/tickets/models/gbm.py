"""Gradient boosting over text (TF-IDF → SVD, optional sentence embeddings) and structured fields.

Structured fields are the ones known when a ticket arrives: channel, priority, product,
customer segment and customer, plus hour and weekday of creation. Classes are weighted by
inverse frequency to a power, and the number of trees is chosen by early stopping on a
stratified validation slice of the training tickets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.decomposition import TruncatedSVD

from tickets.models.embeddings import MINILM
from tickets.models.features import DEFAULT_MAX_CHARS, FeatureSchema, TicketBatch, as_batch
from tickets.models.labels import class_weights
from tickets.models.splits import stratified_split
from tickets.models.tfidf import TextSettings, project


class LightGBMTicketClassifier(ClassifierMixin, BaseEstimator):
    """LightGBM multiclass model on SVD-reduced TF-IDF, embeddings and structured features."""

    def __init__(
        self,
        n_components: int = 128,
        use_embeddings: bool = False,
        embedder: str = MINILM,
        n_estimators: int = 400,
        learning_rate: float = 0.08,
        num_leaves: int = 31,
        min_child_samples: int = 5,
        colsample_bytree: float = 0.5,
        reg_lambda: float = 1.0,
        class_weight_power: float = 0.5,
        early_stopping_rounds: int = 30,
        validation_fraction: float = 0.1,
        n_jobs: int = 2,
        max_chars: int = DEFAULT_MAX_CHARS,
        random_state: int = 0,
    ) -> None:
        self.n_components = n_components
        self.use_embeddings = use_embeddings
        self.embedder = embedder
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.class_weight_power = class_weight_power
        self.early_stopping_rounds = early_stopping_rounds
        self.validation_fraction = validation_fraction
        self.n_jobs = n_jobs
        self.max_chars = max_chars
        self.random_state = random_state

    def _design(self, batch: TicketBatch) -> np.ndarray:
        parts = [project(batch.text_features(self.tfidf_), self.svd_)]
        if self.use_embeddings:
            parts.append(batch.embeddings(self.embedder))
        parts.append(self.schema_.encode(batch.frame).to_numpy(dtype=np.float64))
        parts.append(np.log1p(batch.text.original_lengths)[:, None])
        return np.hstack(parts).astype(np.float32)

    def _fit_text(self, batch: TicketBatch) -> None:
        self.tfidf_, tfidf = TextSettings().fitted(batch)  # shared with the linear member
        n_components = max(2, min(self.n_components, tfidf.shape[1] - 1, len(batch) - 1))
        self.svd_ = TruncatedSVD(n_components, random_state=self.random_state).fit(tfidf)

    def fit(self, X: pd.DataFrame | TicketBatch, y: np.ndarray) -> LightGBMTicketClassifier:
        import lightgbm as lgb

        batch = as_batch(X, self.max_chars)
        self.classes_, y = np.unique(np.asarray(y), return_inverse=True)
        self.schema_ = FeatureSchema.fit(batch.frame, target=None)
        self._fit_text(batch)
        design = self._design(batch)
        self.n_categorical_ = len(self.schema_.categories)
        categorical = list(range(self.n_components_, self.n_components_ + self.n_categorical_))
        holdout = stratified_split(y, self.validation_fraction, self.random_state)
        fit_rows = holdout.train
        eval_rows = holdout.test[np.isin(y[holdout.test], np.unique(y[fit_rows]))]
        self.booster_ = lgb.LGBMClassifier(
            objective="multiclass" if len(self.classes_) > 2 else "binary",
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples,
            colsample_bytree=self.colsample_bytree,
            reg_lambda=self.reg_lambda,
            n_jobs=self.n_jobs,
            random_state=self.random_state,
            deterministic=True,
            force_row_wise=True,
            verbose=-1,
        )
        callbacks = [lgb.early_stopping(self.early_stopping_rounds, verbose=False)]
        self.booster_.fit(
            design[fit_rows],
            y[fit_rows],
            sample_weight=class_weights(y[fit_rows], self.class_weight_power),
            eval_X=(design[eval_rows],) if len(eval_rows) else None,
            eval_y=(y[eval_rows],) if len(eval_rows) else None,
            categorical_feature=categorical or "auto",
            callbacks=callbacks if len(eval_rows) else None,
        )
        return self

    @property
    def n_components_(self) -> int:
        n_text = int(self.svd_.n_components)
        return n_text + (self.embedding_dim_ if self.use_embeddings else 0)

    @property
    def embedding_dim_(self) -> int:
        from tickets.models.embeddings import EMBEDDING_DIMS

        return EMBEDDING_DIMS[self.embedder]

    def predict_proba(self, X: pd.DataFrame | TicketBatch) -> np.ndarray:
        batch = as_batch(X, self.max_chars)
        self.schema_.check(batch.frame)
        raw = np.asarray(self.booster_.booster_.predict(self._design(batch)))  # no wrapper checks
        proba = raw if raw.ndim == 2 else np.column_stack([1 - raw, raw])
        aligned = np.zeros((len(batch), len(self.classes_)))
        aligned[:, self.booster_.classes_.astype(int)] = proba
        return aligned

    def predict(self, X: pd.DataFrame | TicketBatch) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]  # type: ignore[no-any-return]

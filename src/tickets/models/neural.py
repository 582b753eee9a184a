"""A PyTorch MLP over dense text representations learnt or frozen: SVD-reduced word and
character TF-IDF of this data (trained from scratch), frozen MiniLM sentence embeddings, or both.

``docs/evaluation.md`` compares ``inputs=svd``, ``embeddings`` and ``both`` with numbers, and
explains the default. Training is seeded and deterministic on CPU (fixed seed, deterministic
algorithms, one shuffling generator): the same data and seed give the same weights.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.decomposition import TruncatedSVD

from tickets.models.embeddings import MINILM
from tickets.models.features import DEFAULT_MAX_CHARS, TicketBatch, as_batch
from tickets.models.splits import Split, stratified_split
from tickets.models.tfidf import TextSettings, project

INPUTS = ("svd", "embeddings", "both")


class NeuralTicketClassifier(ClassifierMixin, BaseEstimator):
    """Two-layer MLP (GELU, dropout, AdamW, class weights, early stopping on held-out loss)."""

    def __init__(
        self,
        inputs: str = "svd",
        embedder: str = MINILM,
        n_components: int = 256,
        hidden: int = 512,
        dropout: float = 0.3,
        learning_rate: float = 2e-3,
        weight_decay: float = 1e-4,
        epochs: int = 80,
        batch_size: int = 64,
        patience: int = 8,
        class_weight_power: float = 0.5,
        label_smoothing: float = 0.0,
        validation_fraction: float = 0.1,
        max_chars: int = DEFAULT_MAX_CHARS,
        random_state: int = 0,
    ) -> None:
        self.inputs = inputs
        self.embedder = embedder
        self.n_components = n_components
        self.hidden = hidden
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.epochs = epochs
        self.batch_size = batch_size
        self.patience = patience
        self.class_weight_power = class_weight_power
        self.label_smoothing = label_smoothing
        self.validation_fraction = validation_fraction
        self.max_chars = max_chars
        self.random_state = random_state

    @property
    def use_embeddings(self) -> bool:
        return self.inputs in ("embeddings", "both")

    def _fit_text(self, batch: TicketBatch) -> None:
        if self.inputs not in INPUTS:
            raise ValueError(f"neural inputs must be one of {INPUTS}, got {self.inputs!r}")
        self.tfidf_ = self.svd_ = None
        if self.inputs == "embeddings":
            return
        self.tfidf_, tfidf = TextSettings().fitted(batch)  # shared with the linear member
        n = max(2, min(self.n_components, tfidf.shape[1] - 1, len(batch) - 1))
        self.svd_ = TruncatedSVD(n, random_state=self.random_state).fit(tfidf)

    def _design(self, batch: TicketBatch) -> np.ndarray:
        parts = []
        if self.svd_ is not None:
            reduced = project(batch.text_features(self.tfidf_), self.svd_)
            norms = np.linalg.norm(reduced, axis=1, keepdims=True)
            parts.append(reduced / np.maximum(norms, 1e-9))  # unit length, like embeddings
        if self.use_embeddings:
            parts.append(batch.embeddings(self.embedder))
        return np.hstack(parts).astype(np.float32)

    def fit(self, X: pd.DataFrame | TicketBatch, y: np.ndarray) -> NeuralTicketClassifier:
        import torch

        batch = as_batch(X, self.max_chars)
        self.classes_, codes = np.unique(np.asarray(y), return_inverse=True)
        self._fit_text(batch)
        design = self._design(batch)
        rows = np.arange(len(codes))
        holdout = (
            stratified_split(codes, self.validation_fraction, self.random_state)
            if self.validation_fraction > 0
            else Split(rows, rows[:0], "none")
        )
        with _Deterministic(self.random_state):
            self.network_ = torch.nn.Sequential(
                torch.nn.Linear(design.shape[1], self.hidden),
                torch.nn.GELU(),
                torch.nn.Dropout(self.dropout),
                torch.nn.Linear(self.hidden, len(self.classes_)),
            )
            self.epochs_ = self._train(torch, design, codes, holdout.train, holdout.test)
        self.network_.eval()
        return self

    def _loss(self, torch: Any, codes: np.ndarray, rows: np.ndarray) -> Any:
        counts = np.bincount(codes[rows], minlength=len(self.classes_))
        per_class = (len(rows) / (len(counts) * np.maximum(counts, 1))) ** self.class_weight_power
        weight = torch.tensor(per_class, dtype=torch.float32)
        return torch.nn.CrossEntropyLoss(weight=weight, label_smoothing=self.label_smoothing)

    def _train(self, torch: Any, design, codes, fit_rows, eval_rows) -> int:  # type: ignore[no-untyped-def]
        loss_fn = self._loss(torch, codes, fit_rows)
        optimiser = torch.optim.AdamW(
            self.network_.parameters(), lr=self.learning_rate, weight_decay=self.weight_decay
        )
        x, target = torch.from_numpy(design), torch.from_numpy(codes.astype(np.int64))
        shuffler = np.random.default_rng(self.random_state)
        best, best_state, best_epoch, stale = np.inf, None, 0, 0
        for epoch in range(1, self.epochs + 1):
            self.network_.train()
            order = fit_rows[shuffler.permutation(len(fit_rows))]
            for start in range(0, len(order), self.batch_size):
                rows = torch.from_numpy(order[start : start + self.batch_size])
                optimiser.zero_grad()
                loss_fn(self.network_(x[rows]), target[rows]).backward()
                optimiser.step()
            if not len(eval_rows):
                best_epoch = epoch
                continue
            self.network_.eval()
            with torch.no_grad():
                held = torch.from_numpy(eval_rows)
                loss = float(loss_fn(self.network_(x[held]), target[held]))
            if loss < best - 1e-4:
                best, best_epoch, stale = loss, epoch, 0
                best_state = {k: v.clone() for k, v in self.network_.state_dict().items()}
            else:
                stale += 1
                if stale >= self.patience:
                    break
        if best_state is not None:
            self.network_.load_state_dict(best_state)
        return best_epoch

    def predict_proba(self, X: pd.DataFrame | TicketBatch) -> np.ndarray:
        import torch

        design = self._design(as_batch(X, self.max_chars))
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            with torch.no_grad():
                logits = self.network_(torch.from_numpy(design))
        finally:
            torch.set_num_threads(threads)
        return torch.softmax(logits, dim=1).numpy().astype(np.float64)  # type: ignore[no-any-return]

    def predict(self, X: pd.DataFrame | TicketBatch) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]  # type: ignore[no-any-return]


class _Deterministic:
    """Seed torch, one thread, deterministic algorithms, for the duration of a fit."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def __enter__(self) -> None:
        import torch

        self.previous = torch.are_deterministic_algorithms_enabled()
        self.threads = torch.get_num_threads()
        torch.set_num_threads(1)  # small matrices: one thread is faster and never oversubscribes
        torch.manual_seed(self.seed)
        torch.use_deterministic_algorithms(True)

    def __exit__(self, *exc: object) -> None:
        import torch

        torch.use_deterministic_algorithms(self.previous)
        torch.set_num_threads(self.threads)

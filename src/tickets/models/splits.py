"""Train / validation / test splits: by time when tickets carry timestamps, else stratified.

A time split holds out the most recent tickets (what a deployed model meets). A stratified
split keeps class proportions; classes too small to appear on both sides stay in training.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

SPLIT_KINDS = ("auto", "stratified", "time")


@dataclass(frozen=True)
class Split:
    train: np.ndarray  # row positions
    test: np.ndarray
    kind: str


def has_timestamps(frame: pd.DataFrame, column: str = "created_at") -> bool:
    if column not in frame.columns:
        return False
    values = pd.to_datetime(frame[column], errors="coerce", utc=True)
    return bool(values.notna().mean() >= 0.95 and values.nunique() > 1)


def stratified_split(labels: np.ndarray, test_size: float, seed: int) -> Split:
    """Stratified hold-out; classes with a single example stay in training."""
    labels = np.asarray(labels).astype(str)
    rows = np.arange(len(labels))
    counts = pd.Series(labels).value_counts()
    single = np.isin(labels, counts[counts < 2].index)
    pool = rows[~single]
    n_test = round(test_size * len(labels))
    n_classes = pd.Series(labels[pool]).nunique()
    stratify = labels[pool] if n_test >= n_classes and len(pool) - n_test >= n_classes else None
    train, test = train_test_split(
        pool, test_size=n_test, random_state=seed, stratify=stratify, shuffle=True
    )
    return Split(np.sort(np.concatenate([train, rows[single]])), np.sort(test), "stratified")


def time_split(created_at: pd.Series, test_size: float) -> Split:
    """The latest ``test_size`` share of tickets (by created_at) is the hold-out."""
    order = np.argsort(pd.to_datetime(created_at, utc=True).to_numpy(), kind="stable")
    n_test = round(test_size * len(order))
    return Split(
        np.sort(order[: len(order) - n_test]), np.sort(order[len(order) - n_test :]), "time"
    )


def split_tickets(
    frame: pd.DataFrame, labels: np.ndarray, test_size: float, seed: int, kind: str = "auto"
) -> Split:
    if kind not in SPLIT_KINDS:
        raise ValueError(f"unknown split {kind!r}; choose one of {SPLIT_KINDS}")
    if not 0 < test_size < 1:
        raise ValueError(f"test size must be between 0 and 1, got {test_size}")
    if kind == "time" or (kind == "auto" and has_timestamps(frame)):
        if not has_timestamps(frame):
            raise ValueError("a time split needs created_at on at least 95% of the tickets")
        return time_split(frame["created_at"], test_size)
    return stratified_split(labels, test_size, seed)

"""What a model reads from a ticket, and the check that an input still has it.

A :class:`TicketBatch` wraps one input frame: its text is prepared once and its sentence
embeddings are computed at most once, however many models of an ensemble read them.
A :class:`FeatureSchema` is fitted with the model and refuses inputs that lack a column the
model was trained with, instead of silently predicting from nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from tickets.models.embeddings import embed_texts
from tickets.models.text import TEXT_COLUMNS, TicketTexts, ticket_texts

CATEGORICAL_FEATURES = ("channel", "priority", "product", "segment", "customer_id")
"""Structured columns known when a ticket arrives (never the agent, team or resolution)."""
TIME_FEATURES = ("hour", "weekday")
DEFAULT_MAX_CHARS = 4000


class FeatureSchemaError(ValueError):
    """The input does not carry the features the model was trained on."""


class TicketBatch:
    """One batch of tickets: frame, prepared text and (lazily) sentence embeddings."""

    def __init__(self, frame: pd.DataFrame, max_chars: int = DEFAULT_MAX_CHARS) -> None:
        self.frame = frame.reset_index(drop=True)
        self.max_chars = max_chars
        self._embeddings: dict[str, np.ndarray] = {}
        self._fitted: dict[object, Any] = {}  # text transform settings → transform fitted here
        self._features: dict[int, tuple[Any, sp.csr_matrix]] = {}  # id(transform) → rows

    def __len__(self) -> int:
        return len(self.frame)

    @cached_property
    def text(self) -> TicketTexts:
        return ticket_texts(self.frame, self.max_chars)

    @property
    def texts(self) -> list[str]:
        return self.text.texts

    def embeddings(self, embedder: str) -> np.ndarray:
        """Sentence embeddings of the batch text, computed once per batch and embedder."""
        if embedder not in self._embeddings:
            self._embeddings[embedder] = embed_texts(self.texts, embedder)
        return self._embeddings[embedder]

    def fitted_transform(self, settings: object, make: Callable[[], Any]) -> Any:
        """The text transform ``make()`` fitted on this batch, fitted once per ``settings``.

        Members of an ensemble that ask for the same settings get the same fitted object, so
        at prediction time the batch computes its features once for all of them.
        """
        if settings not in self._fitted:
            transform = make()
            matrix = transform.fit_transform(self.texts)
            self._fitted[settings] = transform
            self._features[id(transform)] = (transform, matrix.tocsr())
        return self._fitted[settings]

    def text_features(self, transform: Any) -> sp.csr_matrix:
        """``transform`` applied to the batch text, computed once per batch and transform."""
        key = id(transform)
        if key not in self._features:  # the object is kept alive with its rows: ids stay unique
            self._features[key] = (transform, transform.transform(self.texts).tocsr())
        return self._features[key][1]

    def take(self, rows: np.ndarray) -> TicketBatch:
        """A sub-batch of ``rows`` that keeps the already computed text and embeddings."""
        sub = TicketBatch(self.frame.iloc[rows], self.max_chars)
        if "text" in self.__dict__:
            t = self.text
            sub.__dict__["text"] = TicketTexts(
                [t.texts[i] for i in rows],
                t.original_lengths[rows],
                t.truncated[rows],
                t.empty[rows],
            )
        sub._embeddings = {k: v[rows] for k, v in self._embeddings.items()}
        sub._features = {k: (t, m[rows]) for k, (t, m) in self._features.items()}
        return sub


def as_batch(
    tickets: pd.DataFrame | TicketBatch, max_chars: int = DEFAULT_MAX_CHARS
) -> TicketBatch:
    return tickets if isinstance(tickets, TicketBatch) else TicketBatch(tickets, max_chars)


def _time_parts(frame: pd.DataFrame) -> pd.DataFrame:
    created = pd.to_datetime(frame.get("created_at"), utc=True, errors="coerce")
    if created is None or not isinstance(created, pd.Series):
        created = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
    return pd.DataFrame(
        {"hour": created.dt.hour.astype("float64"), "weekday": created.dt.weekday.astype("float64")}
    )


@dataclass
class FeatureSchema:
    """The structured inputs a fitted model uses, with the vocabulary of each category."""

    text_columns: tuple[str, ...] = TEXT_COLUMNS
    categories: dict[str, list[str]] = field(default_factory=dict)
    uses_created_at: bool = False
    min_count: int = 3
    max_levels: int = 500

    @classmethod
    def fit(cls, frame: pd.DataFrame, target: str | None, min_count: int = 3) -> FeatureSchema:
        """Keep the structured columns that are present, populated and not the target."""
        categories: dict[str, list[str]] = {}
        for column in CATEGORICAL_FEATURES:
            if column == target or column not in frame.columns:
                continue
            counts = frame[column].dropna().astype(str).value_counts()
            levels = counts[counts >= min_count].index[: cls.max_levels].tolist()
            if levels:
                categories[column] = sorted(levels)
        created = frame.get("created_at")
        uses_time = created is not None and bool(pd.Series(created).notna().mean() > 0.5)
        present = tuple(c for c in TEXT_COLUMNS if c in frame.columns)
        return cls(present or TEXT_COLUMNS, categories, uses_time, min_count)

    @property
    def required_columns(self) -> list[str]:
        return [*self.categories, *(["created_at"] if self.uses_created_at else [])]

    def check(self, frame: pd.DataFrame) -> None:
        """Refuse an input without the columns this model was trained on."""
        missing = [c for c in self.required_columns if c not in frame.columns]
        if not any(c in frame.columns for c in self.text_columns):
            missing = [*self.text_columns, *missing]
        if missing:
            raise FeatureSchemaError(
                f"input lacks {missing}, which this model was trained on (it expects text "
                f"{list(self.text_columns)} and structured {self.required_columns}); map these "
                "columns in the data preset, add them (empty values are allowed), or use a "
                "model trained without them"
            )
        created = frame["created_at"] if self.uses_created_at else None
        if created is not None and not pd.api.types.is_datetime64_any_dtype(created):
            parsed = pd.to_datetime(created, errors="coerce", utc=True)
            if parsed.notna().sum() < created.notna().sum():
                raise FeatureSchemaError(
                    "input column created_at holds values that are not timestamps; the model "
                    "reads hour and weekday from it"
                )

    def _level_index(self, column: str) -> dict[str, int]:
        """level → code of one column, built once per schema (not a dataclass field)."""
        cache = self.__dict__.setdefault("_indexes", {})
        if column not in cache:
            cache[column] = {level: i for i, level in enumerate(self.categories[column])}
        return cache[column]  # type: ignore[no-any-return]

    def one_hot(self, frame: pd.DataFrame) -> sp.csr_matrix:
        """One column per known level of each category; unknown or empty values: no column."""
        rows, columns, offset = [], [], 0
        for column, code in self._codes(frame).items():
            known = np.flatnonzero(code >= 0)
            rows.append(known)
            columns.append(code[known] + offset)
            offset += len(self.categories[column])
        row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.intp)
        col = np.concatenate(columns) if columns else np.zeros(0, dtype=np.intp)
        ones = np.ones(len(row), dtype=np.float32)
        return sp.csr_matrix((ones, (row, col)), shape=(len(frame), offset))

    def _codes(self, frame: pd.DataFrame) -> dict[str, np.ndarray]:
        """Each category column's level codes (-1 = unknown or empty)."""
        out = {}
        for column in self.categories:
            index = self._level_index(column)
            values = frame[column].tolist()
            out[column] = np.fromiter(
                (-1 if pd.isna(v) else index.get(str(v), -1) for v in values),
                dtype=np.int32,
                count=len(values),
            )
        return out

    def encode(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Category codes (-1 = unknown or empty) plus hour and weekday, one row per ticket."""
        out = {f"cat_{column}": code for column, code in self._codes(frame).items()}
        encoded = pd.DataFrame(out, index=frame.index)
        if self.uses_created_at:
            encoded = pd.concat([encoded, _time_parts(frame).set_index(frame.index)], axis=1)
        return encoded.reset_index(drop=True)

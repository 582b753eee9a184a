"""Ticket text: subject and body joined, cleaned and truncated the same way for every model.

Every model reads the text through :func:`ticket_texts`, so training and prediction see the
same normalisation. Text longer than ``max_chars`` is cut (and the caller is told which rows),
empty text becomes the empty string (the models then predict from structured features and the
class prior, and the prediction is flagged for review).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

TEXT_COLUMNS = ("subject", "body")

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class TicketTexts:
    """The model text of each ticket plus what happened to it on the way."""

    texts: list[str]
    original_lengths: np.ndarray
    truncated: np.ndarray  # bool per row
    empty: np.ndarray  # bool per row


def normalise(text: str) -> str:
    """Lower-case, mask e-mail addresses and URLs, collapse white space."""
    text = _URL.sub(" urltoken ", text.lower())
    text = _EMAIL.sub(" emailtoken ", text)
    return _SPACE.sub(" ", text).strip()


def _column(frame: pd.DataFrame, name: str) -> list[str]:
    """The column as stripped strings ('' for missing); plain Python, cheap for one ticket."""
    if name not in frame.columns:
        return [""] * len(frame)
    return ["" if pd.isna(v) else str(v).strip() for v in frame[name].tolist()]


def joined_text(frame: pd.DataFrame) -> pd.Series:
    """Subject and body joined; the body is dropped when it just repeats the subject."""
    joined = [
        (s if b in ("", s) else f"{s} . {b}").strip(" .")
        for s, b in zip(_column(frame, "subject"), _column(frame, "body"), strict=True)
    ]
    return pd.Series(joined, index=frame.index, dtype=object)


def ticket_texts(frame: pd.DataFrame, max_chars: int) -> TicketTexts:
    """Cleaned, truncated model text for each ticket of ``frame``, in row order."""
    if not any(c in frame.columns for c in TEXT_COLUMNS):
        raise ValueError(
            f"tickets have no text column: expected one of {list(TEXT_COLUMNS)}, "
            f"got {list(frame.columns)[:12]}; map the source's text columns in the data preset"
        )
    raw = [normalise(t) for t in joined_text(frame)]
    lengths = np.fromiter((len(t) for t in raw), dtype=np.int64, count=len(raw))
    truncated = lengths > max_chars
    texts = [t[:max_chars] if cut else t for t, cut in zip(raw, truncated, strict=True)]
    return TicketTexts(texts, lengths, truncated, lengths == 0)

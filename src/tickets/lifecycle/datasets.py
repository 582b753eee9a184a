"""Which tickets train the challengers and which judge them.

- The **fixed holdout** is chosen by a salted hash of ``ticket_id``: the same tickets every run,
  however much data arrives, and never trained on (by challengers; a champion bootstrapped by
  ``retrain`` never saw them either).
- The **recent window** is the holdout's tickets created in the last ``recent_days``.
- **Agent feedback** comes in through ``ingest`` of the API database: an agent's correction is
  the ticket's ``category`` and the model's guess is kept in ``x_predicted_category``. An API
  ticket whose category is still the model's own guess is not a label (training on it would
  teach the model its own mistakes), so it is dropped for the ``category`` target.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tickets.lifecycle.settings import HoldoutSettings

API_SOURCE = "api"
PREDICTED_COLUMN = "x_predicted_category"
_BUCKETS = 10_000


def holdout_mask(ticket_ids: pd.Series, settings: HoldoutSettings) -> np.ndarray:
    """True for tickets in the fixed holdout (stable across runs and machines)."""
    cut = round(settings.fraction * _BUCKETS)
    salt = settings.salt.encode("utf-8")
    buckets = [
        int.from_bytes(hashlib.sha1(salt + str(t).encode("utf-8")).digest()[:8], "big") % _BUCKETS
        for t in ticket_ids
    ]
    return np.asarray(buckets, dtype=np.int64) < cut


def untrusted_labels(frame: pd.DataFrame, target: str) -> np.ndarray:
    """API tickets whose ``category`` is only the model's own prediction (no correction)."""
    if target != "category" or PREDICTED_COLUMN not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    source = frame.get("x_source", pd.Series(None, index=frame.index)).astype("string")
    from_api = (source == API_SOURCE).fillna(False).to_numpy()
    same = frame[target].astype("string") == frame[PREDICTED_COLUMN].astype("string")
    return from_api & same.fillna(False).to_numpy()


@dataclass
class LabelledSets:
    train: pd.DataFrame  # every non-holdout ticket (unlabelled rows are skipped by training)
    holdout: pd.DataFrame  # labelled holdout tickets
    recent: pd.DataFrame  # labelled holdout tickets of the recent window
    dropped_feedback: int  # API tickets without an agent label

    def counts(self) -> dict[str, int]:
        return {
            "train": len(self.train),
            "holdout": len(self.holdout),
            "recent": len(self.recent),
            "api_rows_without_agent_label": self.dropped_feedback,
        }


def labelled_sets(
    frame: pd.DataFrame, target: str, holdout: HoldoutSettings, recent_days: int
) -> LabelledSets:
    if target not in frame.columns:
        raise ValueError(
            f"lifecycle target {target!r} is not a column of the warehouse tickets; "
            f"set lifecycle.targets to columns that exist (e.g. category, queue, priority)"
        )
    untrusted = untrusted_labels(frame, target)
    frame = frame.copy()
    frame.loc[untrusted, target] = None
    in_holdout = holdout_mask(frame["ticket_id"], holdout)
    labelled = frame[target].notna() & (frame[target].astype("string").str.strip() != "")
    held = frame[in_holdout & labelled.to_numpy()].reset_index(drop=True)
    created = pd.to_datetime(held["created_at"], utc=True)
    start = pd.to_datetime(frame["created_at"], utc=True).max() - pd.Timedelta(days=recent_days)
    return LabelledSets(
        train=frame[~in_holdout].reset_index(drop=True),
        holdout=held,
        recent=held[created >= start].reset_index(drop=True),
        dropped_feedback=int(untrusted.sum()),
    )

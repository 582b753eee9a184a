"""Rising terms: words, word pairs and product x error-code pairs whose share of tickets in the
last ``recent_days`` is far above their share in the ``baseline_days`` before.

For each term and day the test is the exact conditional test of two Poisson rates: given the
k = recent + baseline tickets with the term, recent ~ Binomial(k, N_recent / (N_recent +
N_baseline)) when nothing changed. A flag needs a minimum count, several active days, a minimum
rate ratio, and a Benjamini-Hochberg q-value over every term x day tested. Each run of flagged
days is an episode whose onset is found by CUSUM on the daily counts.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from tickets.anomaly.scoring import cusum_onset, runs
from tickets.anomaly.series import day_offsets
from tickets.anomaly.settings import EmergingSettings

PRIOR = 0.5  # pseudo-tickets added to a term's baseline count (a brand-new term has 0)


@dataclass(frozen=True)
class TermMatrix:
    terms: list[str]
    days: list[dt.date]
    counts: np.ndarray  # [term, day] tickets with the term
    docs: np.ndarray  # [day] tickets with text

    @classmethod
    def from_frames(
        cls, counts: pd.DataFrame, docs: pd.DataFrame, days: list[dt.date], max_terms: int
    ) -> TermMatrix:
        """Dense [term, day] counts from (term, day, docs) rows; days outside ``days`` drop."""
        totals = counts.groupby("term")["docs"].sum().nlargest(max_terms)
        terms = sorted(totals.index)
        matrix = np.zeros((len(terms), len(days)), dtype=np.float64)
        col = day_offsets(counts["day"], days)
        row = pd.Index(terms).get_indexer(counts["term"])
        ok = (row >= 0) & (col >= 0) & (col < len(days))
        np.add.at(matrix, (row[ok], col[ok]), counts["docs"].to_numpy(dtype=float)[ok])
        per_day = np.zeros(len(days))
        dcol = day_offsets(docs["day"], days)
        dok = (dcol >= 0) & (dcol < len(days))
        np.add.at(per_day, dcol[dok], docs["docs"].to_numpy(dtype=float)[dok])
        return cls(terms, days, matrix, per_day)


@dataclass
class TermEpisode:
    term: str
    onset: int  # day index where the rise began
    first_flag: int
    last_flag: int
    observed: float  # tickets with the term in the recent window at the first flag
    expected: float  # what the baseline rate predicted for that window
    p_value: float
    q_value: float

    @property
    def ratio(self) -> float:
        return self.observed / max(self.expected, 1e-9)


@dataclass(frozen=True)
class WindowSums:
    recent: np.ndarray
    baseline: np.ndarray
    docs_recent: np.ndarray
    docs_baseline: np.ndarray
    active_days: np.ndarray


def window_sums(tm: TermMatrix, recent_days: int, baseline_days: int) -> WindowSums:
    """Rolling sums ending at each day (inclusive): recent window and the baseline before it."""

    def shifted(cum: np.ndarray, lag: int) -> np.ndarray:
        # cum[..., d + 1 - lag], zero before the start
        idx = np.arange(tm.counts.shape[1]) + 1 - lag
        return np.where(idx >= 0, np.take(cum, np.clip(idx, 0, None), axis=-1), 0.0)

    cum = np.concatenate([np.zeros((tm.counts.shape[0], 1)), np.cumsum(tm.counts, axis=1)], axis=1)
    dcum = np.concatenate([[0.0], np.cumsum(tm.docs)])
    present = np.concatenate(
        [np.zeros((tm.counts.shape[0], 1)), np.cumsum(tm.counts > 0, axis=1)], axis=1
    )
    end = shifted(cum, 0)
    mid = shifted(cum, recent_days)
    return WindowSums(
        recent=end - mid,
        baseline=mid - shifted(cum, recent_days + baseline_days),
        docs_recent=shifted(dcum, 0) - shifted(dcum, recent_days),
        docs_baseline=shifted(dcum, recent_days) - shifted(dcum, recent_days + baseline_days),
        active_days=shifted(present, 0) - shifted(present, recent_days),
    )


def rising_terms(
    tm: TermMatrix, window: tuple[int, int], cfg: EmergingSettings
) -> tuple[list[TermEpisode], int]:
    """Episodes of significantly rising terms inside ``window`` (day indices, inclusive), and
    the number of term x day tests (for the record)."""
    sums = window_sums(tm, cfg.recent_days, cfg.baseline_days)
    day = np.arange(len(tm.days))
    testable_day = (day >= cfg.recent_days + cfg.baseline_days - 1) & (sums.docs_baseline > 0)
    testable_day &= (day >= window[0]) & (day <= window[1]) & (sums.docs_recent > 0)
    tests = int(testable_day.sum()) * len(tm.terms)
    if tests == 0:
        return [], 0
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_recent = sums.recent / sums.docs_recent
        rate_base = (sums.baseline + PRIOR) / sums.docs_baseline
    candidate = testable_day[None, :] & (sums.recent >= cfg.min_docs)
    candidate &= sums.active_days >= cfg.min_active_days
    candidate &= rate_recent >= cfg.min_ratio * rate_base
    t_idx, d_idx = np.nonzero(candidate)
    recent, base = sums.recent[t_idx, d_idx], sums.baseline[t_idx, d_idx]
    share = sums.docs_recent[d_idx] / (sums.docs_recent[d_idx] + sums.docs_baseline[d_idx])
    p = stats.binom.sf(recent - 1, recent + base, share)
    q = _bh_with_total(p, tests)
    keep = q <= cfg.fdr
    flagged = pd.DataFrame(
        {
            "t": t_idx[keep],
            "d": d_idx[keep],
            "p": p[keep],
            "q": q[keep],
            "recent": recent[keep],
            "expected": rate_base[t_idx[keep], d_idx[keep]] * sums.docs_recent[d_idx[keep]],
        }
    )
    return _episodes(tm, flagged, rate_base, cfg), tests


def _bh_with_total(p: np.ndarray, total: int) -> np.ndarray:
    """BH q-values of ``p`` among ``total`` tests whose other p-values are taken as 1
    (conservative: the untested pairs failed the effect-size filters)."""
    if p.size == 0:
        return p
    order = np.argsort(p)
    ranked = p[order] * total / np.arange(1, p.size + 1)
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty_like(p)
    q[order] = np.minimum(q_sorted, 1.0)
    return q


def _episodes(
    tm: TermMatrix, flagged: pd.DataFrame, rate_base: np.ndarray, cfg: EmergingSettings
) -> list[TermEpisode]:
    episodes = []
    for t, group in flagged.groupby("t", sort=True):
        days = np.zeros(len(tm.days), dtype=bool)
        days[group["d"].to_numpy()] = True
        bridged = _bridge(days, cfg.recent_days)
        for first, last in runs(bridged):
            rows = group[(group["d"] >= first) & (group["d"] <= last)]
            head = rows.iloc[0]
            first_flag = int(head["d"])
            lo = max(0, first_flag - cfg.baseline_days)
            allowance = np.maximum(2 * rate_base[t, first_flag] * tm.docs[lo : first_flag + 1], 0.2)
            onset = lo + cusum_onset(tm.counts[t, lo : first_flag + 1], allowance, first_flag - lo)
            episodes.append(
                TermEpisode(
                    term=tm.terms[int(t)],
                    onset=onset,
                    first_flag=first_flag,
                    last_flag=int(rows["d"].max()),
                    observed=float(head["recent"]),
                    expected=float(head["expected"]),
                    p_value=float(rows["p"].min()),
                    q_value=float(rows["q"].min()),
                )
            )
    return episodes


def _bridge(days: np.ndarray, gap: int) -> np.ndarray:
    """Fill holes of up to ``gap`` days between flagged days (one episode, not several)."""
    out = days.copy()
    idx = np.flatnonzero(days)
    for a, b in itertools.pairwise(idx):
        if 1 < b - a <= gap:
            out[a:b] = True
    return out

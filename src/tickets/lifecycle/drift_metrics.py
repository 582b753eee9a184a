"""Distribution-shift statistics between a reference sample and a current one.

- numeric: population stability index (PSI) on reference-quantile bins, and the two-sample
  Kolmogorov–Smirnov test;
- categorical: chi-squared test of homogeneity and the Jensen–Shannon distance (base 2, in
  [0, 1]);
- text: cosine distance between the mean embeddings, with the split-half distance of the
  reference as its noise floor;
- rates: the difference of two proportions.

Plain numpy/scipy in, floats out; the report module decides what is flagged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon

PSI_EPSILON = 1e-4  # floor of an empty bin's share, so log(0) never happens


def quantile_edges(reference: np.ndarray, bins: int = 10) -> np.ndarray:
    """Inner bin edges at the reference's quantiles (ties collapse into fewer bins)."""
    qs = np.quantile(reference, np.linspace(0, 1, bins + 1)[1:-1])
    return np.unique(qs)


def bin_shares(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Share of values per bin; bins are (-inf, e0], (e0, e1], ..., (e_last, inf)."""
    codes = np.searchsorted(edges, values, side="left")
    counts = np.bincount(codes, minlength=len(edges) + 1).astype("float64")
    return counts / max(counts.sum(), 1.0)


def psi_from_shares(expected: np.ndarray, actual: np.ndarray) -> float:
    """PSI = Σ (actual − expected) · ln(actual / expected), empty shares floored."""
    e = np.clip(np.asarray(expected, dtype="float64"), PSI_EPSILON, None)
    a = np.clip(np.asarray(actual, dtype="float64"), PSI_EPSILON, None)
    return float(np.sum((a - e) * np.log(a / e)))


def psi(reference: np.ndarray, current: np.ndarray, bins: int = 10) -> float:
    reference, current = _finite(reference), _finite(current)
    if len(reference) == 0 or len(current) == 0:
        return float("nan")
    edges = quantile_edges(reference, bins)
    return psi_from_shares(bin_shares(reference, edges), bin_shares(current, edges))


def ks(reference: np.ndarray, current: np.ndarray) -> tuple[float, float]:
    """(statistic, p-value) of the two-sample Kolmogorov–Smirnov test."""
    reference, current = _finite(reference), _finite(current)
    if len(reference) == 0 or len(current) == 0:
        return float("nan"), float("nan")
    result = stats.ks_2samp(reference, current)
    return float(result.statistic), float(result.pvalue)


@dataclass(frozen=True)
class CategoryShift:
    chi2: float
    p_value: float
    js_distance: float
    reference_shares: dict[str, float]
    current_shares: dict[str, float]


def category_shift(reference: Sequence[object], current: Sequence[object]) -> CategoryShift:
    """Chi-squared homogeneity test and JS distance of two samples of labels (None = "(none)")."""
    ref = Counter(_labels(reference))
    cur = Counter(_labels(current))
    levels = sorted(set(ref) | set(cur))
    ref_counts = np.array([ref[v] for v in levels], dtype="float64")
    cur_counts = np.array([cur[v] for v in levels], dtype="float64")
    chi2, p_value = _chi2(ref_counts, cur_counts)
    ref_p = ref_counts / max(ref_counts.sum(), 1.0)
    cur_p = cur_counts / max(cur_counts.sum(), 1.0)
    return CategoryShift(
        chi2=chi2,
        p_value=p_value,
        js_distance=js_distance(ref_p, cur_p),
        reference_shares={v: round(float(s), 4) for v, s in zip(levels, ref_p, strict=True)},
        current_shares={v: round(float(s), 4) for v, s in zip(levels, cur_p, strict=True)},
    )


def js_distance(p: np.ndarray, q: np.ndarray) -> float:
    """Jensen–Shannon distance, base 2 (0 = identical, 1 = disjoint)."""
    p, q = np.asarray(p, dtype="float64"), np.asarray(q, dtype="float64")
    if p.sum() == 0 or q.sum() == 0:
        return float("nan")
    return float(jensenshannon(p, q, base=2))


def centroid_distance(reference: np.ndarray, current: np.ndarray) -> float:
    """Cosine distance between the mean vectors of two sets of embeddings."""
    a, b = np.asarray(reference).mean(axis=0), np.asarray(current).mean(axis=0)
    norms = float(np.linalg.norm(a) * np.linalg.norm(b))
    if norms == 0.0:
        return float("nan")
    return float(1.0 - np.dot(a, b) / norms)


def split_half_noise(reference: np.ndarray, seed: int = 42, rounds: int = 5) -> float:
    """Mean centroid distance between random halves of the reference: the no-drift level."""
    reference = np.asarray(reference)
    if len(reference) < 4:
        return float("nan")
    rng = np.random.default_rng(seed)
    distances = []
    for _ in range(rounds):
        order = rng.permutation(len(reference))
        half = len(order) // 2
        distances.append(centroid_distance(reference[order[:half]], reference[order[half:]]))
    return float(np.mean(distances))


def _chi2(ref_counts: np.ndarray, cur_counts: np.ndarray) -> tuple[float, float]:
    if len(ref_counts) < 2 or ref_counts.sum() == 0 or cur_counts.sum() == 0:
        return 0.0, 1.0
    result = stats.chi2_contingency(np.vstack([ref_counts, cur_counts]), correction=False)
    return float(result.statistic), float(result.pvalue)


def _finite(values: np.ndarray) -> np.ndarray:
    array = np.asarray(values, dtype="float64")
    return array[np.isfinite(array)]


def _labels(values: Sequence[object]) -> list[str]:
    return ["(none)" if v is None or v != v else str(v) for v in values]

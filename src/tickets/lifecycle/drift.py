"""The drift report: the training window against recent intake.

Windows: ``current`` is the last ``recent_days`` before the anchor (the newest ticket, or now);
``reference`` is the ``reference_days`` before that, the data the champion was trained on.
Checks: PSI and KS per numeric feature, chi-squared and JS distance per categorical one, the
text-embedding centroid shift, the champion's predicted-class mix, and its needs-review rate.
A check is flagged when its effect size crosses the configured threshold *and* its test's
p-value is small (PSI with KS, JS distance with chi-squared), so neither tiny samples (noisy
effect sizes) nor huge ones (every p-value tiny) cry wolf.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tickets.lifecycle import drift_metrics as dm
from tickets.lifecycle.settings import DriftSettings
from tickets.utils.timeutil import utc_now

EmbedFn = Callable[[list[str]], np.ndarray]
PredictFn = Callable[[pd.DataFrame], pd.DataFrame]  # → columns predicted, needs_review


@dataclass
class DriftCheck:
    name: str
    kind: str  # numeric | categorical | embedding | prediction | review_rate
    flagged: bool
    statistics: dict[str, Any]
    reason: str = ""


@dataclass
class DriftReport:
    created_at: str
    reference: dict[str, Any]
    current: dict[str, Any]
    checks: list[DriftCheck] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return any(c.flagged for c in self.checks)

    @property
    def flagged_checks(self) -> list[DriftCheck]:
        return [c for c in self.checks if c.flagged]

    def to_dict(self) -> dict[str, Any]:
        return {"schema_version": 1, "flagged": self.flagged, **asdict(self)}


def with_drift_features(frame: pd.DataFrame) -> pd.DataFrame:
    """Add resolution_hours, first_response_hours and body_chars (calendar time)."""
    out = frame.copy()
    created = pd.to_datetime(out["created_at"], utc=True)
    for name, column in (
        ("resolution_hours", "resolved_at"),
        ("first_response_hours", "first_response_at"),
    ):
        if column in out.columns:
            out[name] = (pd.to_datetime(out[column], utc=True) - created).dt.total_seconds() / 3600
    if "body" in out.columns:
        out["body_chars"] = out["body"].fillna("").astype(str).str.len()
    return out


def drift_windows(
    created_at: pd.Series, settings: DriftSettings, now: dt.datetime | None = None
) -> tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp]:
    """(reference start, current start, current end) as UTC timestamps; current end exclusive."""
    if settings.anchor == "now" or created_at.empty:
        end = pd.Timestamp(now or utc_now())
    else:
        end = pd.to_datetime(created_at, utc=True).max() + pd.Timedelta(microseconds=1)
    current_start = end - pd.Timedelta(days=settings.recent_days)
    return current_start - pd.Timedelta(days=settings.reference_days), current_start, end


def drift_report(
    frame: pd.DataFrame,
    settings: DriftSettings,
    embed: EmbedFn | None = None,
    predict: PredictFn | None = None,
    now: dt.datetime | None = None,
) -> DriftReport:
    """Compare the two windows of ``frame`` (warehouse tickets) on every configured check."""
    tickets = with_drift_features(frame)
    created = pd.to_datetime(tickets["created_at"], utc=True)
    ref_start, cur_start, cur_end = drift_windows(created, settings, now)
    reference = tickets[(created >= ref_start) & (created < cur_start)]
    current = tickets[(created >= cur_start) & (created < cur_end)]
    report = DriftReport(
        created_at=utc_now().isoformat(timespec="seconds"),
        reference=_window(ref_start, cur_start, len(reference)),
        current=_window(cur_start, cur_end, len(current)),
    )
    if min(len(reference), len(current)) < settings.min_rows:
        report.notes.append(
            f"not enough tickets to judge drift: {len(reference)} in the reference window and "
            f"{len(current)} in the recent one (lifecycle.drift.min_rows={settings.min_rows}); "
            "nothing is flagged"
        )
        return report
    report.checks += [
        _numeric(reference, current, n, settings) for n in settings.numeric if n in tickets.columns
    ]
    report.checks += [
        _categorical(reference, current, n, settings)
        for n in settings.categorical
        if n in tickets.columns
    ]
    missing = [n for n in (*settings.numeric, *settings.categorical) if n not in tickets.columns]
    if missing:
        report.notes.append(f"features not in the warehouse, skipped: {', '.join(missing)}")
    rng = np.random.default_rng(settings.seed)
    ref_sample = _sample(reference, settings.max_texts, rng)
    cur_sample = _sample(current, settings.max_texts, rng)
    if embed is not None:
        report.checks.append(_embedding(ref_sample, cur_sample, embed, settings))
    if predict is not None:
        report.checks += _predictions(ref_sample, cur_sample, predict, settings)
    return report


def _window(start: pd.Timestamp, end: pd.Timestamp, rows: int) -> dict[str, Any]:
    return {"start": start.isoformat(), "end": end.isoformat(), "tickets": rows}


def _numeric(ref: pd.DataFrame, cur: pd.DataFrame, name: str, s: DriftSettings) -> DriftCheck:
    a = pd.to_numeric(ref[name], errors="coerce").to_numpy(dtype="float64")
    b = pd.to_numeric(cur[name], errors="coerce").to_numpy(dtype="float64")
    value = dm.psi(a, b)
    statistic, p_value = dm.ks(a, b)
    flagged = bool(value == value and value >= s.psi_threshold and p_value < s.ks_pvalue)
    stats = {
        "psi": _r(value),
        "ks": _r(statistic),
        "ks_p_value": _r(p_value, 6),
        "reference_median": _r(np.nanmedian(a)) if np.isfinite(a).any() else None,
        "current_median": _r(np.nanmedian(b)) if np.isfinite(b).any() else None,
    }
    reason = f"PSI {value:.3f} ≥ {s.psi_threshold} (KS p={p_value:.2g})" if flagged else ""
    return DriftCheck(name, "numeric", flagged, stats, reason)


def _categorical(ref: pd.DataFrame, cur: pd.DataFrame, name: str, s: DriftSettings) -> DriftCheck:
    shift = dm.category_shift(ref[name].tolist(), cur[name].tolist())
    flagged = shift.p_value < s.chi2_pvalue and shift.js_distance >= s.js_threshold
    stats = {
        "chi2": _r(shift.chi2),
        "chi2_p_value": _r(shift.p_value, 6),
        "js_distance": _r(shift.js_distance),
        "top_changes": _top_changes(shift),
    }
    reason = (
        f"JS distance {shift.js_distance:.3f} ≥ {s.js_threshold} (χ² p={shift.p_value:.2g})"
        if flagged
        else ""
    )
    return DriftCheck(name, "categorical", flagged, stats, reason)


def _top_changes(shift: dm.CategoryShift, n: int = 5) -> dict[str, list[float]]:
    levels = set(shift.reference_shares) | set(shift.current_shares)
    moves = {
        v: (shift.reference_shares.get(v, 0.0), shift.current_shares.get(v, 0.0)) for v in levels
    }
    ranked = sorted(moves.items(), key=lambda kv: -abs(kv[1][1] - kv[1][0]))[:n]
    return {level: [before, after] for level, (before, after) in ranked}


def _texts(frame: pd.DataFrame) -> list[str]:
    subject = frame.get("subject", pd.Series("", index=frame.index)).fillna("").astype(str)
    body = frame.get("body", pd.Series("", index=frame.index)).fillna("").astype(str)
    return (subject + "\n" + body).str.strip().tolist()


def _embedding(
    ref: pd.DataFrame, cur: pd.DataFrame, embed: EmbedFn, s: DriftSettings
) -> DriftCheck:
    a, b = embed(_texts(ref)), embed(_texts(cur))
    shift = dm.centroid_distance(a, b)
    noise = dm.split_half_noise(a, s.seed)
    bar = max(s.centroid_min_shift, s.centroid_noise_multiplier * noise)
    flagged = bool(shift == shift and shift >= bar)
    stats = {
        "centroid_cosine_distance": _r(shift, 5),
        "split_half_noise": _r(noise, 5),
        "threshold": _r(bar, 5),
        "texts": [len(a), len(b)],
    }
    reason = f"centroid moved {shift:.4f} ≥ {bar:.4f}" if flagged else ""
    return DriftCheck("text_embedding", "embedding", flagged, stats, reason)


def _predictions(
    ref: pd.DataFrame, cur: pd.DataFrame, predict: PredictFn, s: DriftSettings
) -> list[DriftCheck]:
    before, after = predict(ref), predict(cur)
    shift = dm.category_shift(before["predicted"].tolist(), after["predicted"].tolist())
    mix_flag = shift.p_value < s.chi2_pvalue and shift.js_distance >= s.prediction_js_threshold
    mix = DriftCheck(
        "predicted_category",
        "prediction",
        bool(mix_flag),
        {
            "js_distance": _r(shift.js_distance),
            "chi2_p_value": _r(shift.p_value, 6),
            "top_changes": _top_changes(shift),
        },
        f"predicted mix JS distance {shift.js_distance:.3f} ≥ {s.prediction_js_threshold} "
        f"(χ² p={shift.p_value:.2g})"
        if mix_flag
        else "",
    )
    rate_ref = float(before["needs_review"].astype(bool).mean())
    rate_cur = float(after["needs_review"].astype(bool).mean())
    rise = rate_cur - rate_ref
    rate_flag = rise >= s.review_rate_increase
    rate = DriftCheck(
        "needs_review_rate",
        "review_rate",
        bool(rate_flag),
        {"reference": _r(rate_ref), "current": _r(rate_cur), "increase": _r(rise)},
        f"needs-review rate rose {rate_ref:.1%} → {rate_cur:.1%}" if rate_flag else "",
    )
    return [mix, rate]


def _sample(frame: pd.DataFrame, limit: int, rng: np.random.Generator) -> pd.DataFrame:
    if len(frame) <= limit:
        return frame
    return frame.iloc[np.sort(rng.choice(len(frame), size=limit, replace=False))]


def _r(value: float, digits: int = 4) -> float | None:
    value = float(value)
    return round(value, digits) if value == value else None


def drift_summary(report: DriftReport) -> str:
    """The readable version of the report (Markdown)."""
    verdict = "DRIFT DETECTED" if report.flagged else "no drift flagged"
    ref, cur = report.reference, report.current
    lines = [
        f"# Drift report: {verdict}",
        "",
        f"- reference (training window): {ref['start']} → {ref['end']}, {ref['tickets']} tickets",
        f"- current (recent intake): {cur['start']} → {cur['end']}, {cur['tickets']} tickets",
        *(f"- note: {n}" for n in report.notes),
        "",
        "| check | kind | flagged | statistics | reason |",
        "|---|---|---|---|---|",
    ]
    for c in report.checks:
        shown = {k: v for k, v in c.statistics.items() if k != "top_changes"}
        stats = ", ".join(f"{k}={v}" for k, v in shown.items())
        lines.append(
            f"| {c.name} | {c.kind} | {'YES' if c.flagged else 'no'} | {stats} | {c.reason} |"
        )
    return "\n".join(lines) + "\n"

"""Volume spikes and drops per dimension value, on daily and hourly counts.

Per series and day: expected = rolling robust level x weekday/hour seasonality; a one-sided
negative-binomial tail gives a p-value; Benjamini-Hochberg runs over every tested series x day
(hundreds of series do not multiply the false alarms); a flag also needs a minimum count and a
minimum ratio. Consecutive flagged days merge into one anomaly. Hourly bursts inside a flagged
day are folded into it; the rest become hour-grain anomalies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from tickets.anomaly.baseline_math import CountBaseline, rolling_count_baseline
from tickets.anomaly.records import Anomaly, severity_from_score
from tickets.anomaly.scoring import benjamini_hochberg, count_tail_pvalue, runs
from tickets.anomaly.seasonal import SeasonalProfile
from tickets.anomaly.series import CountPanel
from tickets.anomaly.settings import VolumeSettings


@dataclass
class VolumeResult:
    anomalies: list[Anomaly] = field(default_factory=list)
    not_enough_history: list[dict[str, object]] = field(default_factory=list)
    tests: int = 0


@dataclass(frozen=True)
class DetectionContext:
    """Which days may be scored and which may enter baselines."""

    window: tuple[int, int]  # first and last day index scanned for anomalies (inclusive)
    valid: np.ndarray  # [series, day]: usable in baselines
    holidays: np.ndarray  # [day]: known closures (no drop alarms, no baseline use)
    timezone: str


def detect_volume(
    panel: CountPanel, profile: SeasonalProfile, ctx: DetectionContext, cfg: VolumeSettings
) -> VolumeResult:
    factors = profile.day_factors(panel.grid)
    base = rolling_count_baseline(
        panel.daily, ctx.valid, factors, cfg.baseline_days, cfg.min_history_days
    )
    in_window = np.zeros(panel.daily.shape[1], dtype=bool)
    in_window[ctx.window[0] : ctx.window[1] + 1] = True
    scored = base.testable & in_window[None, :] & _observable(ctx)
    up, down, q_up, q_down = _daily_tests(panel.daily, base, scored, ctx)
    result = VolumeResult(tests=int(scored.sum()) * 2)
    spike_days = scored & (q_up <= cfg.fdr) & (panel.daily >= cfg.min_count)
    spike_days &= panel.daily >= cfg.min_ratio * base.expected
    drop_days = scored & (q_down <= cfg.fdr) & ~ctx.holidays[None, :]
    drop_days &= (base.expected >= cfg.min_expected_drop) & (
        panel.daily <= cfg.drop_ratio * base.expected
    )
    for kind, days, p, q in (
        ("volume_spike", spike_days, up, q_up),
        ("volume_drop", drop_days, down, q_down),
    ):
        result.anomalies += _day_runs(panel, base, kind, days, p, q, ctx)
    if cfg.hourly:
        result.anomalies += detect_hourly(panel, profile, base, ctx, cfg, result.anomalies)
    result.not_enough_history = _history_report(
        panel, base, in_window[None, :] & _observable(ctx), cfg
    )
    return result


def _observable(ctx: DetectionContext) -> np.ndarray:
    return ctx.valid | ctx.holidays[None, :]


def _daily_tests(
    daily: np.ndarray, base: CountBaseline, scored: np.ndarray, ctx: DetectionContext
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    up = np.ones_like(daily)
    down = np.ones_like(daily)
    up[scored] = count_tail_pvalue(daily[scored], base.expected[scored], base.variance[scored])
    down[scored] = count_tail_pvalue(
        daily[scored], base.expected[scored], base.variance[scored], upper=False
    )
    q = benjamini_hochberg(np.concatenate([up[scored], down[scored]]))
    q_up, q_down = np.ones_like(daily), np.ones_like(daily)
    q_up[scored], q_down[scored] = q[: scored.sum()], q[scored.sum() :]
    return up, down, q_up, q_down


@dataclass(frozen=True)
class RunStats:
    """One run of flagged days or hours of one series: the numbers an anomaly is made of."""

    observed: np.ndarray
    expected: np.ndarray
    variance: np.ndarray
    p: np.ndarray
    q: np.ndarray

    def anomaly(self, kind: str, key: tuple[str, str], grain: str, **fields: object) -> Anomaly:
        z = (self.observed - self.expected) / np.sqrt(self.variance)
        score = float(z.max() if kind == "volume_spike" else z.min())
        unit, signal = (
            ("tickets/day", "daily_count") if grain == "day" else ("tickets/hour", "hourly_count")
        )
        return Anomaly(
            type=kind,
            dimension=key[0],
            value=key[1],
            observed=float(self.observed.mean()),
            expected=float(self.expected.mean()),
            expected_sd=float(np.sqrt(self.variance.mean())),
            score=score,
            unit=unit,
            signal=signal,
            grain=grain,
            p_value=float(self.p.min()),
            q_value=float(self.q.min()),
            severity=severity_from_score(score, _ratio(self.observed, self.expected) - 1),
            **fields,  # type: ignore[arg-type]
        )


def _day_runs(
    panel: CountPanel,
    base: CountBaseline,
    kind: str,
    flagged: np.ndarray,
    p: np.ndarray,
    q: np.ndarray,
    ctx: DetectionContext,
) -> list[Anomaly]:
    found = []
    for s, key in enumerate(panel.keys):
        for first, last in runs(flagged[s]):
            days = slice(first, last + 1)
            stats = RunStats(panel.daily[s, days], base.expected[s, days], base.variance[s, days],
                             p[s, days], q[s, days])  # fmt: skip
            start, end = panel.grid.day_bounds(first, last, ctx.timezone)
            excess = float((stats.observed - stats.expected).sum())
            found.append(
                stats.anomaly(
                    kind,
                    key,
                    "day",
                    start=start,
                    end=end,
                    local_start=panel.grid.days[first],
                    local_end=panel.grid.days[last],
                    details={"excess": excess, "days": last - first + 1},
                )
            )
    return found


def detect_hourly(
    panel: CountPanel,
    profile: SeasonalProfile,
    base: CountBaseline,
    ctx: DetectionContext,
    cfg: VolumeSettings,
    daily_found: list[Anomaly],
) -> list[Anomaly]:
    """Hour-grain spikes; those inside a flagged day of the same series become its details."""
    grid = panel.grid
    day_factor = profile.day_factors(grid)
    with np.errstate(divide="ignore", invalid="ignore"):
        level = np.where(day_factor > 0, base.expected / day_factor, np.nan)
        extra = np.maximum(base.variance - base.expected, 0)
        rel_var = np.where(base.expected > 0, extra / base.expected**2, 0.0)
    expected = level[:, grid.day_of_hour] * profile.hour_factors(grid)
    variance = expected + np.nan_to_num(rel_var)[:, grid.day_of_hour] * expected**2
    scored = np.isfinite(expected) & (expected > 0)
    lo, hi = ctx.window
    scored &= (grid.day_of_hour >= lo) & (grid.day_of_hour <= hi)
    scored &= _observable(ctx)[:, grid.day_of_hour]
    p = np.ones_like(panel.hourly)
    p[scored] = count_tail_pvalue(panel.hourly[scored], expected[scored], variance[scored])
    q = np.ones_like(p)
    q[scored] = benjamini_hochberg(p[scored])
    flagged = scored & (q <= cfg.fdr) & (panel.hourly >= cfg.hourly_min_count)
    flagged &= panel.hourly >= cfg.hourly_min_ratio * np.nan_to_num(expected, nan=np.inf)
    return _hour_runs(panel, expected, variance, flagged, p, q, daily_found)


def _hour_runs(
    panel: CountPanel,
    expected: np.ndarray,
    variance: np.ndarray,
    flagged: np.ndarray,
    p: np.ndarray,
    q: np.ndarray,
    daily_found: list[Anomaly],
) -> list[Anomaly]:
    grid, found = panel.grid, []
    for s, key in enumerate(panel.keys):
        for first, last in runs(flagged[s]):
            hours = slice(first, last + 1)
            stats = RunStats(panel.hourly[s, hours], expected[s, hours], variance[s, hours],
                             p[s, hours], q[s, hours])  # fmt: skip
            start = grid.hours[first].to_pydatetime()
            end = (grid.hours[last] + np.timedelta64(1, "h")).to_pydatetime()
            excess = float((stats.observed - stats.expected).sum())
            host = _host(daily_found, key, start, end)
            if host is not None:
                host.details.setdefault("peak_hours", []).append(
                    {
                        "hour": start.isoformat(),
                        "observed": float(stats.observed.sum()),
                        "expected": float(stats.expected.sum()),
                    }
                )
                continue
            found.append(
                stats.anomaly(
                    "volume_spike",
                    key,
                    "hour",
                    start=start,
                    end=end,
                    local_start=grid.days[grid.day_of_hour[first]],
                    local_end=grid.days[grid.day_of_hour[last]],
                    details={"excess": excess, "hours": last - first + 1},
                )
            )
    return found


def _ratio(observed: np.ndarray, expected: np.ndarray) -> float:
    """Observed over expected, with at least half a ticket expected (new series)."""
    return float(observed.sum()) / max(float(expected.sum()), 0.5)


def _host(
    found: list[Anomaly], key: tuple[str, str], start: dt.datetime, end: dt.datetime
) -> Anomaly | None:
    for anomaly in found:
        same = (anomaly.dimension, anomaly.value) == key and anomaly.type == "volume_spike"
        if same and anomaly.start < end and start < anomaly.end:
            return anomaly
    return None


def _history_report(
    panel: CountPanel, base: CountBaseline, observable: np.ndarray, cfg: VolumeSettings
) -> list[dict[str, object]]:
    """Series with days in the window that could not be scored for lack of history."""
    report = []
    for s, key in enumerate(panel.keys):
        missing = observable[s] & ~base.testable[s]
        if not missing.any():
            continue
        testable = np.flatnonzero(base.testable[s])
        report.append(
            {
                "detector": "volume",
                "dimension": key[0],
                "value": key[1],
                "untested_days": int(missing.sum()),
                "first_testable_day": panel.grid.days[testable[0]].isoformat()
                if testable.size
                else None,
                "reason": (
                    f"not enough history: fewer than {cfg.min_history_days} usable days in the "
                    f"{cfg.baseline_days}-day baseline window"
                ),
            }
        )
    return report

"""The volume detector's part of a run: counts (fresh or merged with stored ones), coverage,
the seasonal profile (refit only when stale), then detection."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from tickets.anomaly.baselines import StoredBaselines, merge_days
from tickets.anomaly.coverage import (
    active_span,
    data_gaps,
    holiday_mask,
    series_starts,
    valid_days,
)
from tickets.anomaly.plan import DataSpan, ScanPlan
from tickets.anomaly.seasonal import SeasonalProfile, fit_profile
from tickets.anomaly.series import (
    OVERALL,
    CountPanel,
    HourGrid,
    build_panel,
    hourly_counts,
    select_series,
)
from tickets.anomaly.settings import AnomalySettings
from tickets.anomaly.volume import DetectionContext, VolumeResult, detect_volume


@dataclass
class VolumeStep:
    result: VolumeResult
    hourly: pd.DataFrame
    profile: dict[str, Any] | None
    panel: CountPanel | None = None
    notes: list[str] = field(default_factory=list)
    plan: ScanPlan | None = None  # the scan window, trimmed to where the data lives


def run_volume_step(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    plan: ScanPlan,
    span: DataSpan,
    settings: AnomalySettings,
    stored: StoredBaselines | None,
    holidays: set[dt.date],
) -> VolumeStep:
    cfg = settings.volume
    lo, hi = plan.utc_bounds(plan.read_from, plan.last_day)
    fresh = hourly_counts(con, source_sql, cfg.families, lo, hi)
    hourly = fresh
    if plan.incremental and stored is not None:
        first_lo, _ = plan.utc_bounds(plan.first_day, plan.first_day)
        old = stored.frames.get("hourly")
        if old is not None:
            old = old[pd.to_datetime(old["hour"], utc=True) >= pd.Timestamp(first_lo)]
        hourly = merge_days(old, fresh, "hour", pd.Timestamp(lo))
    keys = select_series(hourly, cfg.max_values, cfg.min_series_tickets)
    grid = HourGrid.spanning(plan.first_day, plan.last_day, plan.timezone)
    panel = build_panel(hourly, keys, grid)
    step = VolumeStep(VolumeResult(), hourly, None, panel)
    if OVERALL not in keys:
        step.notes.append("volume: no overall series (the families exclude 'overall'?)")
        return step
    plan = _trim_to_active(panel, plan, settings, step.notes)
    step.plan = plan
    ctx, notes = _context(panel, plan, span, holidays)
    step.notes += notes
    profile = _profile(panel, ctx, plan, settings, stored)
    step.profile = {
        "keys": keys,
        "weekday": profile.weekday,
        "hour_share": profile.hour_share,
        "fitted_through": _fitted_through(stored, keys, plan, settings),
    }
    step.result = detect_volume(panel, profile, ctx, cfg)
    return step


def _trim_to_active(
    panel: CountPanel, plan: ScanPlan, settings: AnomalySettings, notes: list[str]
) -> ScanPlan:
    """Leave sparse stragglers at the edges of the data out of the scan (when the user did not
    ask for those days explicitly), so the end of an export is not reported as a drop."""
    found = active_span(panel.daily[panel.index(OVERALL)])
    if found is None:
        return plan
    first, last, outside = found
    days, (lo, hi) = panel.grid.days, plan.window
    start = days[max(lo, first)] if settings.start_date is None else plan.scan_start
    end = days[min(hi, last)] if settings.end_date is None else plan.scan_end
    if (start, end) == (plan.scan_start, plan.scan_end) or start > end:
        return plan
    notes.append(
        f"volume: only {outside:.1%} of the tickets fall outside {days[first]} .. {days[last]} "
        f"(sparse stragglers); the scan covers {start} .. {end}"
    )
    return replace(plan, scan_start=start, scan_end=end)


def _context(
    panel: CountPanel, plan: ScanPlan, span: DataSpan, holidays: set[dt.date]
) -> tuple[DetectionContext, list[str]]:
    grid, notes = panel.grid, []
    overall = panel.daily[panel.index(OVERALL)]
    gaps = data_gaps(overall, grid.day_weekday)
    if _partial_last_day(panel, span, plan.timezone):
        gaps[-1] = True
        if plan.scan_end == grid.days[-1]:
            notes.append(
                f"volume: {grid.days[-1]} is incomplete (the data stops early); not scored"
            )
    if gaps[:-1].any():
        missing = [grid.days[i].isoformat() for i in np.flatnonzero(gaps[:-1])]
        notes.append(f"volume: no tickets at all on {missing}: treated as missing data, not drops")
    holiday = holiday_mask(grid.days, holidays)
    valid = valid_days(panel.daily, series_starts(panel.daily), gaps, holiday)
    ctx = DetectionContext(plan.window, valid, holiday & ~gaps, plan.timezone)
    return ctx, notes


def _partial_last_day(panel: CountPanel, span: DataSpan, timezone: str) -> bool:
    """The last day is partial when the hours after the last ticket usually hold >10% of a
    day's tickets (judged on the overall series' hour profile of the earlier days)."""
    grid = panel.grid
    if grid.days[-1] != span.last_day:
        return False
    last = np.flatnonzero(grid.day_of_hour == len(grid.days) - 1)
    overall = panel.hourly[panel.index(OVERALL)]
    earlier = overall[: last[0]] if last.size else overall
    if last.size == 0 or earlier.sum() == 0:
        return False
    by_hour = np.bincount(grid.local_hour[: last[0]], weights=earlier, minlength=24)
    share = by_hour / by_hour.sum()
    last_ticket = pd.Timestamp(span.last_ticket).tz_convert(timezone)
    after = share[last_ticket.hour + 1 :].sum()
    return bool(after > 0.10)


def _profile(
    panel: CountPanel,
    ctx: DetectionContext,
    plan: ScanPlan,
    settings: AnomalySettings,
    stored: StoredBaselines | None,
) -> SeasonalProfile:
    saved = stored.profile if stored is not None else None
    if _reusable(saved, panel.keys, plan, settings):
        return SeasonalProfile(weekday=saved["weekday"], hour_share=saved["hour_share"])  # type: ignore[index]
    reference = panel.index(OVERALL)
    return fit_profile(
        panel.daily,
        panel.hourly,
        ctx.valid,
        panel.grid,
        settings.volume.profile_shrinkage,
        reference,
    )


def _reusable(
    saved: dict[str, Any] | None,
    keys: list[tuple[str, str]],
    plan: ScanPlan,
    settings: AnomalySettings,
) -> bool:
    if saved is None or not plan.incremental:
        return False
    same_keys = [tuple(k) for k in saved["keys"]] == list(keys)
    fitted = dt.date.fromisoformat(saved["fitted_through"])
    return same_keys and (plan.last_day - fitted).days <= settings.refit_days


def _fitted_through(
    stored: StoredBaselines | None,
    keys: list[tuple[str, str]],
    plan: ScanPlan,
    settings: AnomalySettings,
) -> str:
    saved = stored.profile if stored is not None else None
    if _reusable(saved, keys, plan, settings):
        return str(saved["fitted_through"])  # type: ignore[index]
    return plan.last_day.isoformat()

"""Sentiment shifts per queue, product and overall: VADER (cached per ticket) and CSAT.

A VADER shift and a CSAT shift of the same series in overlapping windows are one anomaly
(signal ``vader+csat``, the CSAT numbers in ``details.csat``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from tickets.anomaly.records import Anomaly, severity_from_score
from tickets.anomaly.sentiment_series import MeanSeries
from tickets.anomaly.settings import SentimentSettings
from tickets.anomaly.shifts import Shift, flag_shifts, segment_shifts

DayBounds = Callable[[int, int], tuple[dt.datetime, dt.datetime]]


@dataclass
class SentimentResult:
    anomalies: list[Anomaly] = field(default_factory=list)
    not_enough_history: list[dict[str, object]] = field(default_factory=list)
    tests: int = 0


def detect_sentiment(
    series: list[MeanSeries],
    days: list[dt.date],
    window: tuple[int, int],
    day_bounds: DayBounds,
    cfg: SentimentSettings,
) -> SentimentResult:
    result = SentimentResult()
    tested: list[Shift] = []
    for s in series:
        shifts, short = segment_shifts(s, window, cfg, cfg.min_daily_tickets)
        tested += shifts
        if short:
            result.not_enough_history.append(_short(s, short, cfg))
    result.tests = len(tested)
    flagged = flag_shifts(tested, cfg)
    anomalies = [_anomaly(shift, days, day_bounds) for shift in flagged]
    result.anomalies = _merge_metrics(anomalies)
    return result


def _short(series: MeanSeries, segments: int, cfg: SentimentSettings) -> dict[str, object]:
    return {
        "detector": f"sentiment/{series.metric}",
        "dimension": series.family,
        "value": series.value,
        "untested_segments": segments,
        "reason": (
            f"not enough history: fewer than {cfg.min_history_days} days with enough scored "
            f"tickets in the {cfg.baseline_days} days before the change point"
        ),
    }


def _anomaly(shift: Shift, days: list[dt.date], day_bounds: DayBounds) -> Anomaly:
    start, end = day_bounds(shift.first, shift.last)
    metric = shift.series.metric
    kind = "sentiment_drop" if shift.delta < 0 else "sentiment_rise"
    scale = 4.0 if metric == "csat" else 2.0  # the metric's range, for the relative effect
    return Anomaly(
        type=kind,
        dimension=shift.series.family,
        value=shift.series.value,
        start=start,
        end=end,
        observed=shift.observed,
        expected=shift.expected,
        expected_sd=shift.expected_sd,
        score=shift.z,
        unit="mean CSAT (1-5)" if metric == "csat" else "mean VADER compound (-1..1)",
        signal=metric,
        grain="day",
        p_value=shift.p_value,
        q_value=shift.q_value,
        severity=severity_from_score(shift.z, 8 * shift.delta / scale),
        local_start=days[shift.first],
        local_end=days[shift.last],
        details={
            "tickets": int(shift.tickets),
            "baseline_tickets": int(shift.baseline_tickets),
            "excess": shift.delta * shift.tickets / scale,
        },
    )


def _merge_metrics(anomalies: list[Anomaly]) -> list[Anomaly]:
    """Fold a CSAT shift into the VADER shift of the same series, type and time."""
    vader = [a for a in anomalies if a.signal == "vader"]
    merged = list(vader)
    for csat in (a for a in anomalies if a.signal == "csat"):
        host = next(
            (
                v
                for v in vader
                if (v.dimension, v.value, v.type) == (csat.dimension, csat.value, csat.type)
                and v.overlaps(csat)
            ),
            None,
        )
        if host is None:
            merged.append(csat)
            continue
        host.signal = "vader+csat"
        host.details["csat"] = {
            "observed": round(csat.observed, 3),
            "expected": round(csat.expected, 3),
            "score": round(csat.score, 2),
            "start": csat.local_start.isoformat() if csat.local_start else None,
            "end": csat.local_end.isoformat() if csat.local_end else None,
        }
    return merged

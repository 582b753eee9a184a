"""Change points, sentiment shifts and the per-ticket VADER cache."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tickets.anomaly.changepoints import change_point_ends, pelt_l2
from tickets.anomaly.sentiment import detect_sentiment
from tickets.anomaly.sentiment_cache import SentimentCache, score_missing, vader_compound
from tickets.anomaly.sentiment_series import MeanSeries, daily_sentiment
from tickets.anomaly.series import ticket_source_sql
from tickets.anomaly.settings import SentimentSettings
from tickets.data.duck import connect

from .handmade import daily_tickets, write_warehouse

DAYS = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(100)]


@pytest.mark.parametrize("seed", range(8))
def test_fast_pelt_matches_ruptures(seed):
    rng = np.random.default_rng(seed)
    signal = rng.normal(size=int(rng.integers(30, 200)))
    signal[10:25] -= 3
    penalty, min_size = float(rng.uniform(3, 20)), int(rng.integers(2, 5))
    assert pelt_l2(signal, penalty, min_size) == change_point_ends(
        signal, penalty, min_size, "ruptures"
    )


def test_pelt_finds_the_two_ends_of_a_block():
    signal = np.zeros(60)
    signal[20:30] = -1.0
    assert pelt_l2(signal, penalty=1.0, min_size=3) == [20, 30, 60]


def test_constant_series_has_no_change_point():
    assert pelt_l2(np.full(50, 0.3), penalty=1.0, min_size=3) == [50]


def _series(mean: np.ndarray, n: float = 20.0, sd: float = 0.5) -> MeanSeries:
    count = np.full(len(mean), n)
    return MeanSeries("queue", "Billing", "vader", count, mean * n, (mean**2 + sd**2) * n)


def _bounds(first: int, last: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(DAYS[first], dt.time(), dt.UTC)
    return start, dt.datetime.combine(DAYS[last] + dt.timedelta(days=1), dt.time(), dt.UTC)


def test_a_ten_day_drop_is_found_with_its_size():
    rng = np.random.default_rng(0)
    means = 0.1 + rng.normal(0, 0.02, 100)
    means[60:70] -= 0.4
    result = detect_sentiment([_series(means)], DAYS, (0, 99), _bounds, SentimentSettings())
    assert [(a.type, a.local_start, a.local_end) for a in result.anomalies] == [
        ("sentiment_drop", dt.date(2024, 3, 1), dt.date(2024, 3, 10))
    ]
    drop = result.anomalies[0]
    # ticket-weighted means: the segment's and the 56 days before it
    assert drop.observed == pytest.approx(means[60:70].mean())
    assert drop.expected == pytest.approx(means[4:60].mean())
    assert drop.observed - drop.expected == pytest.approx(-0.4, abs=0.02)


def test_recovery_after_a_drop_is_not_a_rise():
    means = np.full(100, 0.1)
    means[1::2] += 0.02  # some noise so the series is not constant
    means[60:70] -= 0.4
    result = detect_sentiment([_series(means)], DAYS, (0, 99), _bounds, SentimentSettings())
    assert [a.type for a in result.anomalies] == ["sentiment_drop"]


def test_shift_without_enough_history_is_reported_as_such():
    means = np.full(100, 0.1)
    means[1::2] += 0.02
    means[10:20] -= 0.4
    result = detect_sentiment([_series(means)], DAYS, (0, 99), _bounds, SentimentSettings())
    assert result.anomalies == []
    assert result.not_enough_history[0]["untested_segments"] >= 1


def test_vader_scores_anger_below_politeness():
    angry, polite = vader_compound(["This is absolutely unacceptable, worst service ever!",
                                    "Thanks so much for your help, much appreciated."])  # fmt: skip
    assert angry < -0.5 < 0.5 < polite


def test_each_ticket_is_scored_once_and_rescored_when_its_text_changes(tmp_path):
    rows = daily_tickets([3, 3], queue="Billing", subject="Refund", body="Thanks a lot, great help")
    warehouse = write_warehouse(tmp_path / "wh", rows)
    con = connect()
    cache = SentimentCache(tmp_path / "cache", text_chars=120)
    source = ticket_source_sql(warehouse)
    assert score_missing(con, source, cache, workers=1) == 6
    assert score_missing(con, source, cache, workers=1) == 0
    rows[0]["body"] = "Terrible, I am furious"
    write_warehouse(tmp_path / "wh", rows)
    assert score_missing(con, source, cache, workers=1) == 1
    daily = daily_sentiment(con, source, cache, ("queue",), "UTC")
    vader = daily[(daily["metric"] == "vader") & (daily["family"] == "queue")]
    assert vader["n"].tolist() == [3, 3]
    first_day = vader.sort_values("day").iloc[0]
    polite = vader_compound(["Refund. Thanks a lot, great help"])[0]
    furious = vader_compound(["Refund. Terrible, I am furious"])[0]
    assert first_day["total"] == pytest.approx(2 * polite + furious)

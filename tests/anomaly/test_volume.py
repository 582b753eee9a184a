"""Volume spikes and drops on hand-made warehouses with numbers worked out by hand."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from tickets.anomaly.baseline_math import rolling_count_baseline
from tickets.anomaly.pipeline import detect_anomalies
from tickets.anomaly.seasonal import fit_profile
from tickets.anomaly.series import (
    HourGrid,
    build_panel,
    hourly_counts,
    select_series,
    ticket_source_sql,
)
from tickets.data.duck import connect

from .handmade import daily_tickets, settings, write_warehouse

DAYS = 60
SPIKE_DAY = 50  # 2024-02-20


def _steady_rows(days: int = DAYS, spike: int = 0) -> list[dict]:
    """Each day: 20 Billing tickets (products P and Q alternating), 20 Tech tickets (product R);
    on SPIKE_DAY ``spike`` extra Billing tickets of product P."""
    billing = daily_tickets([20] * days, prefix="B", queue="Billing",
                            product=lambda n: "P" if n % 2 == 0 else "Q")  # fmt: skip
    tech = daily_tickets([20] * days, prefix="T", queue="Tech", product="R")
    extra = daily_tickets([spike], start=dt.date(2024, 1, 1) + dt.timedelta(days=SPIKE_DAY),
                          prefix="S", queue="Billing", product="P")  # fmt: skip
    return billing + tech + extra


def test_spike_is_reported_once_on_the_most_specific_series(tmp_path):
    root = tmp_path / "wh"
    write_warehouse(root, _steady_rows(spike=60))
    run = detect_anomalies(settings(root, tmp_path))
    assert [(a.type, a.dimension, a.value) for a in run.anomalies] == [
        ("volume_spike", "product", "P")
    ]
    spike = run.anomalies[0]
    # P: 10 a day, every day, so the median is 10 and the MAD 0: the Poisson floor, inflated for
    # a median of 28 values, gives sd = sqrt(10 * (1 + (pi/2)/28))
    assert spike.observed == 70 and spike.expected == pytest.approx(10.0)
    assert spike.expected_sd == pytest.approx(math.sqrt(10 * (1 + math.pi / 2 / 28)))
    assert spike.local_start == spike.local_end == dt.date(2024, 2, 20)
    assert spike.start.isoformat() == "2024-02-20T00:00:00+00:00"
    folded = {(x["dimension"], x["value"]) for x in spike.details["also_seen_in"]}
    assert folded == {("queue", "Billing"), ("overall", "all")}
    assert spike.explanation == (
        "Tickets for product P rose to 70/day against an expected 10±3.2 on 2024-02-20 "
        "(mostly queue Billing, 100% of the extra tickets)."
    )
    assert len(spike.example_ticket_ids) == 5


def test_steady_volume_raises_no_alarm(tmp_path):
    root = tmp_path / "wh"
    write_warehouse(root, _steady_rows())
    run = detect_anomalies(settings(root, tmp_path))
    assert run.anomalies == []
    assert run.tests["volume"] > 0


def test_constant_series_does_not_divide_by_zero():
    days = 40
    grid = HourGrid.spanning(dt.date(2024, 1, 1), dt.date(2024, 2, 9), "UTC")
    counts = np.full((1, days), 7.0)
    base = rolling_count_baseline(
        counts, np.ones_like(counts, dtype=bool), np.ones((1, days)), 28, 21
    )
    assert np.all(np.isfinite(base.expected[:, 21:]))
    assert base.z(counts)[0, 21:] == pytest.approx(np.zeros(days - 21))
    assert len(grid.days) == days


def test_short_history_says_so_instead_of_alarming(tmp_path):
    root = tmp_path / "wh"
    write_warehouse(root, daily_tickets([40] * 9 + [400], queue="Billing"))
    run = detect_anomalies(settings(root, tmp_path))
    assert run.anomalies == []
    reasons = {r["reason"] for r in run.not_enough_history}
    assert reasons == {
        "not enough history: fewer than 21 usable days in the 28-day baseline window"
    }
    assert {(r["dimension"], r["value"]) for r in run.not_enough_history} == {
        ("overall", "all"),
        ("queue", "Billing"),
    }


def test_a_day_without_any_ticket_is_a_data_gap_not_a_drop(tmp_path):
    counts = [40] * DAYS
    counts[40] = 0
    root = tmp_path / "wh"
    write_warehouse(root, daily_tickets(counts, queue="Billing"))
    run = detect_anomalies(settings(root, tmp_path))
    assert run.anomalies == []
    assert any("no tickets at all on ['2024-02-10']" in note for note in run.notes)


def test_a_quiet_holiday_is_not_a_drop_but_a_quiet_working_day_is(tmp_path):
    counts = [40] * DAYS
    counts[40] = 4
    root = tmp_path / "wh"
    write_warehouse(root, daily_tickets(counts, queue="Billing"))
    working_day = detect_anomalies(settings(root, tmp_path))
    assert {(a.type, a.local_start) for a in working_day.anomalies} == {
        ("volume_drop", dt.date(2024, 2, 10))
    }
    holiday = detect_anomalies(settings(root, tmp_path, holidays=(dt.date(2024, 2, 10),)))
    assert holiday.anomalies == []


def test_dst_day_expects_one_hour_less(tmp_path):
    # one ticket every UTC hour: local Berlin days have 24 tickets, 23 on 2024-03-31
    rows = daily_tickets([24] * 70, start=dt.date(2024, 2, 1), hours=tuple(range(24)), queue="Q")
    root = tmp_path / "wh"
    write_warehouse(root, rows)
    con = connect()
    counts = hourly_counts(con, ticket_source_sql(write_warehouse(root, rows)), ("overall",))
    grid = HourGrid.spanning(dt.date(2024, 2, 2), dt.date(2024, 4, 10), "Europe/Berlin")
    panel = build_panel(counts, select_series(counts, 5, 1), grid)
    dst = grid.days.index(dt.date(2024, 3, 31))
    assert panel.daily[0, dst] == 23
    valid = np.ones_like(panel.daily, dtype=bool)
    profile = fit_profile(panel.daily, panel.hourly, valid, grid, 20.0)
    base = rolling_count_baseline(panel.daily, valid, profile.day_factors(grid), 28, 21)
    assert base.expected[0, dst] == pytest.approx(23.0)
    run = detect_anomalies(settings(root, tmp_path, timezone="Europe/Berlin"))
    assert run.anomalies == []


def test_spike_of_a_product_that_fills_most_of_its_queue_names_the_product(tmp_path):
    # Billing = product P (18 a day) + product Q (2 a day); P jumps by 60 on one day. The two
    # series are almost the same, so either could score higher; P carries all of Billing's
    # excess with a larger relative change (78/18 vs 80/20), so P is the one reported.
    billing = daily_tickets([20] * DAYS, prefix="B", queue="Billing",
                            product=lambda n: "Q" if n % 10 == 0 else "P")  # fmt: skip
    tech = daily_tickets([20] * DAYS, prefix="T", queue="Tech", product="R")
    extra = daily_tickets(
        [60], start=dt.date(2024, 2, 20), prefix="S", queue="Billing", product="P"
    )
    root = tmp_path / "wh"
    write_warehouse(root, billing + tech + extra)
    run = detect_anomalies(settings(root, tmp_path))
    assert [(a.dimension, a.value) for a in run.anomalies] == [("product", "P")]
    assert ("queue", "Billing") in {
        (x["dimension"], x["value"]) for x in run.anomalies[0].details["also_seen_in"]
    }


def test_weekdays_without_tickets_count_as_closed_not_as_missing_history(tmp_path):
    # Mon-Fri 30 tickets, never any at the weekend: weekends are closed days, so a full 28-day
    # window needs three quarters of its 20 open days (15) instead of 21, and a quiet weekend
    # is neither a data gap nor a drop
    counts = [0 if (i % 7) >= 5 else 30 for i in range(DAYS)]
    counts[51] = 120  # Wednesday 2024-02-21
    root = tmp_path / "wh"
    write_warehouse(root, daily_tickets(counts, queue="Billing"))
    run = detect_anomalies(settings(root, tmp_path))
    assert [(a.type, a.dimension, a.local_start) for a in run.anomalies] == [
        ("volume_spike", "overall", dt.date(2024, 2, 21))
    ]
    assert not any("no tickets at all" in note for note in run.notes)
    overall = next(r for r in run.not_enough_history if r["dimension"] == "overall")
    # days before the data count as open: on Wednesday 2024-01-24 the window holds 5 of them
    # and 17 open days seen, 17 >= 0.75 * 22; the Tuesday before has 16 < 16.5
    assert overall["first_testable_day"] == "2024-01-24"


def test_a_series_that_was_always_empty_does_not_divide_by_zero():
    days = 40
    counts = np.zeros((1, days))
    counts[0, 35] = 12
    base = rolling_count_baseline(
        counts, np.ones_like(counts, dtype=bool), np.ones((1, days)), 28, 21
    )
    assert base.expected[0, 35] == 0.0
    # the variance floor of 0.25 (half a ticket) keeps z finite: 12 / 0.5
    assert base.z(counts)[0, 35] == pytest.approx(24.0)


def test_sparse_stragglers_after_the_export_are_not_a_drop(tmp_path):
    # 60 days of 40 tickets, then 60 days with one late ticket every 6th day (10 of 2,410,
    # 0.4%): the scan stops at the last real day instead of reporting the end as a drop
    counts = [40] * DAYS + [1 if i % 6 == 0 else 0 for i in range(60)]
    root = tmp_path / "wh"
    write_warehouse(root, daily_tickets(counts, queue="Billing"))
    run = detect_anomalies(settings(root, tmp_path))
    assert run.anomalies == []
    assert run.plan.scan_end == dt.date(2024, 2, 29)
    assert any("only 0.4% of the tickets fall outside" in note for note in run.notes)

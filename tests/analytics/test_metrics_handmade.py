"""Every metric on the hand-made warehouse (see handmade.py and the CSV's notes).

Window Mon 2024-03-04 → Sun 2024-03-10 UTC. Per ticket, worked out by hand:

ticket  received  resolved  backlog@end  resolution h (business)  first response h (business)
T1      prev      yes       -            92 (4: weekend+holiday)  0.5 (0.5)
T2      yes       yes       -            52 (20, reopened once)   0.5 (0.5)
T3      yes       yes       -            7 (6, Tokyo calendar)    2.5 (1.5)
T4      yes (lo)  -         open         -                        10 (0: holiday)
T6      yes (hi-1s) -       open         -                        none
T9      yes       at hi     yes          -                        0.25 (0.25)
T10     yes       reopened  open         -                        0.5 (0.5)
T8      -         -         open (old)
T5 (created at hi) and T7 (previous window) do not count.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from .builders import compute, make_settings
from .handmade import WINDOW, build


def bundle_for(root: Path, **overrides):  # type: ignore[no-untyped-def]
    warehouse = build(root / "wh")
    return compute(make_settings(warehouse.root, root, **{**WINDOW, **overrides}))


@pytest.fixture(scope="module")
def handmade(tmp_path_factory):  # type: ignore[no-untyped-def]
    return bundle_for(tmp_path_factory.mktemp("handmade"))


def row(frame: pd.DataFrame, **where: str) -> dict:
    selected = frame
    for key, value in where.items():
        selected = selected[selected[key] == value]
    assert len(selected) == 1, where
    return selected.iloc[0].to_dict()


def test_volume_follows_freshdesk_semantics(handmade):
    bundle, _ = handmade
    h = bundle.headline
    # T4 counts at exactly the window start, T6 in its last second, T5 at the end does not
    assert h["received"] == 6  # T2 T3 T4 T6 T9 T10
    assert h["resolved"] == 3  # T1 (created earlier) T2 T3; T9 resolved exactly at the end
    assert h["backlog"] == 5  # T4 T6 T8 T9 T10 (T10 is open again after a reopen)


def test_daily_backlog_runs_from_the_backlog_at_the_start(handmade):
    bundle, _ = handmade
    daily = bundle.tables["volume"].query("period == 'day'")
    # backlog at the start = T1 + T8 = 2
    assert list(daily["received"]) == [2, 1, 1, 0, 1, 0, 1]
    assert list(daily["resolved"]) == [0, 2, 0, 1, 0, 0, 0]
    assert list(daily["backlog_end"]) == [4, 3, 4, 3, 4, 4, 5]
    week = row(bundle.tables["volume"], period="week")
    assert (week["received"], week["resolved"], week["backlog_end"], week["days"]) == (6, 3, 5, 7)


def test_resolution_time_keeps_reopened_time_and_uses_queue_calendars(handmade):
    bundle, _ = handmade
    overall = row(bundle.tables["resolution_time"], dimension="overall")
    assert overall["tickets"] == 3
    # calendar [7, 52, 92]: p90 = 52 + 0.8 * (92 - 52)
    assert (overall["median_hours"], overall["p90_hours"]) == (52, 84)
    assert overall["mean_hours"] == pytest.approx(151 / 3)
    # business [4 (weekend + holiday), 6 (Tokyo), 20 (reopened)]
    assert overall["median_business_hours"] == 6
    assert overall["p90_business_hours"] == pytest.approx(6 + 0.8 * 14)
    assert overall["mean_business_hours"] == 10


def test_first_response_time_over_received_tickets(handmade):
    bundle, _ = handmade
    overall = row(bundle.tables["resolution_time"], dimension="overall")
    assert overall["first_response_tickets"] == 5  # T6 never got a response
    # calendar [0.25, 0.5, 0.5, 2.5, 10]; business [0, 0.25, 0.5, 0.5, 1.5]
    assert overall["first_response_median_hours"] == 0.5
    assert overall["first_response_p90_hours"] == pytest.approx(2.5 + 0.6 * 7.5)
    assert overall["first_response_median_business_hours"] == 0.5
    assert overall["first_response_p90_business_hours"] == pytest.approx(0.5 + 0.6 * 1.0)


def test_resolution_by_segment_and_queue(handmade):
    bundle, _ = handmade
    table = bundle.tables["resolution_time"]
    assert row(table, dimension="segment", value="enterprise")["median_hours"] == 72  # T1, T2
    assert row(table, dimension="queue", value="APAC")["median_business_hours"] == 6  # T3
    assert row(table, dimension="priority", value="high")["tickets"] == 3


def test_sla_in_business_time(handmade):
    bundle, _ = handmade
    sla = row(bundle.tables["sla_compliance"], dimension="overall", clock="business")
    # measured: T2 breached (20 > 16 h, overrun 4), T3 met (Tokyo 1.5/2 h, 6/8 h), T9 met;
    # T4, T6, T10 are still open within their targets: pending
    assert (sla["tickets"], sla["measured"], sla["met"], sla["breached"]) == (6, 3, 2, 1)
    assert sla["met_pct"] == pytest.approx(200 / 3)
    assert sla["first_response_met_pct"] == 100  # T2 T3 T4 T9 T10 met, T6 pending
    assert sla["resolution_met_pct"] == pytest.approx(200 / 3)
    assert sla["mean_resolution_overrun_hours"] == 4


def test_sla_in_calendar_time(handmade):
    bundle, _ = handmade
    sla = row(bundle.tables["sla_compliance"], dimension="overall", clock="calendar")
    # every received ticket breaches something on the 24x7 clock, e.g. T3: 2.5 h > 2 h
    assert (sla["measured"], sla["met"]) == (6, 0)
    apac = row(bundle.tables["sla_compliance"], dimension="queue", value="APAC", clock="calendar")
    assert apac["mean_first_response_overrun_hours"] == pytest.approx(0.5)


def test_sla_agreement_with_the_source_flag(handmade):
    bundle, _ = handmade
    # flags: T2 true (computed breached: agree), T3 true (computed met: disagree), T9 false
    assert bundle.headline["sla_source_agreement_pct"] == pytest.approx(200 / 3)
    assert bundle.disagreement == {"source_only": 1, "computed_only": 0}


def test_sla_by_agent(handmade):
    bundle, _ = handmade
    a1 = row(bundle.tables["sla_compliance"], dimension="agent_id", value="A1", clock="business")
    assert (a1["measured"], a1["met_pct"]) == (2, 50)  # T2 breached, T9 met


def test_csat_over_resolved_tickets(handmade):
    bundle, _ = handmade
    overall = row(bundle.tables["csat"], dimension="overall")
    # resolved T1 (no score), T2 (2), T3 (5)
    assert (overall["resolved_tickets"], overall["responses"]) == (3, 2)
    assert overall["response_rate"] == pytest.approx(200 / 3)
    assert (overall["mean_score"], overall["satisfied_pct"]) == (3.5, 50)
    assert row(bundle.tables["csat"], dimension="channel", value="phone")["mean_score"] == 5


def test_reopen_and_one_touch_rates(handmade):
    bundle, _ = handmade
    assert bundle.headline["reopen_rate"] == pytest.approx(100 / 3)  # T2 of T1 T2 T3
    assert bundle.headline["one_touch_rate"] == 50  # T3 of T2 T3 (T1's reply count unknown)


def test_agent_performance(handmade):
    bundle, _ = handmade
    agents = bundle.tables["agent_performance"]
    a1, a2 = row(agents, agent_id="A1"), row(agents, agent_id="A2")
    assert (a1["tickets_handled"], a1["tickets_resolved"], a1["backlog"]) == (3, 2, 2)
    assert (a1["median_resolution_hours"], a1["median_resolution_business_hours"]) == (72, 12)
    assert (a1["sla_met_pct"], a1["csat_mean"], a1["reopen_rate"]) == (50, 2, 50)
    assert a1["one_touch_rate"] == 0  # T2 took 3 replies; T1 unknown
    assert (a2["tickets_handled"], a2["tickets_resolved"], a2["backlog"]) == (3, 1, 2)
    assert (a2["one_touch_rate"], a2["csat_satisfied_pct"]) == (100, 100)
    assert (a1["team_rank"], a2["team_rank"], a1["team_size"]) == (1, 2, 2)
    assert a1["agent_name"] == "Ada"


def test_previous_window_and_deltas(handmade):
    bundle, _ = handmade
    previous = bundle.previous_headline
    assert (previous["received"], previous["resolved"], previous["backlog"]) == (2, 1, 2)
    assert previous["resolution_median_hours"] == 2  # T7
    deltas = {r["metric"]: r for r in bundle.comparison}
    assert deltas["received"]["delta"] == 4
    assert deltas["resolution_median_hours"]["verdict"] == "worse"
    assert deltas["sla_source_agreement_pct"]["delta"] is None  # no flags before


def test_reporting_timezone_moves_day_boundaries(tmp_path):
    # in Tokyo the window is [03-03 15:00, 03-10 15:00) UTC: T6 (03-10 23:59 UTC) falls out,
    # T3 (Mon 23:00 UTC) is a Tuesday ticket
    bundle, _ = bundle_for(tmp_path, reporting_timezone="Asia/Tokyo")
    assert bundle.headline["received"] == 5
    daily = bundle.tables["volume"].query("period == 'day'")
    assert list(daily["received"]) == [1, 2, 1, 0, 1, 0, 0]


def test_agent_filter_restricts_every_table(tmp_path):
    bundle, _ = bundle_for(tmp_path, agent_ids=("A2",))
    assert bundle.headline["received"] == 3  # T3 T4 T10
    assert list(bundle.tables["agent_performance"]["agent_id"]) == ["A2"]

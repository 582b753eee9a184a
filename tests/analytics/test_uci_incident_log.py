"""The real UCI ServiceNow incident log: ingest it, run analytics, and check resolution time per
priority against an independent pandas computation over the raw CSV (written here)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tickets.cli import main
from tickets.data.warehouse import Warehouse

from .builders import compute, make_settings

pytestmark = pytest.mark.slow
PRIORITY = {"1": "critical", "2": "high", "3": "medium", "4": "low"}  # the README's codes


def expected_from_raw_csv(path: Path) -> pd.DataFrame:
    """Latest update per incident (highest sys_mod_count, then time) → resolution hours."""
    raw = pd.read_csv(path, dtype=str, na_values=["?"], keep_default_na=False)
    raw["mods"] = raw["sys_mod_count"].astype(int)
    raw["updated"] = pd.to_datetime(raw["sys_updated_at"], format="%d/%m/%Y %H:%M")
    latest = raw.sort_values(["number", "mods", "updated"]).groupby("number").tail(1)
    opened = pd.to_datetime(latest["opened_at"], format="%d/%m/%Y %H:%M")
    resolved = pd.to_datetime(latest["resolved_at"], format="%d/%m/%Y %H:%M")
    done = resolved.notna() & latest["ident_state"].isin(["Resolved", "Closed"])
    hours = (resolved - opened).dt.total_seconds() / 3600
    frame = pd.DataFrame({"priority": latest["priority"].map(PRIORITY), "hours": hours})
    frame = frame[done & (hours >= 0)]
    return frame.groupby("priority")["hours"].agg(
        tickets="count",
        median=lambda h: float(np.quantile(h, 0.5)),
        p90=lambda h: float(np.quantile(h, 0.9)),
    )


@pytest.fixture(scope="module")
def uci(datasets_dir: Path, tmp_path_factory):  # type: ignore[no-untyped-def]
    source = datasets_dir / "uci_incident_log" / "incident_event_log.csv.gz"
    if not source.exists():
        pytest.skip(f"{source} is absent")
    warehouse = tmp_path_factory.mktemp("uci") / "wh"
    flags = ["data=uci_incident_log", "--input", str(source), "--warehouse", str(warehouse)]
    assert main(["ingest", *flags]) == 0
    return source, Warehouse.at(warehouse)


def test_resolution_hours_per_priority_match_pandas_on_the_raw_log(uci, tmp_path):
    source, warehouse = uci
    window = {"start_date": dt.date(2016, 1, 1), "end_date": dt.date(2017, 12, 31)}
    bundle, _ = compute(make_settings(warehouse.root, tmp_path, **window))
    table = bundle.tables["resolution_time"]
    ours = table[table["dimension"] == "priority"].set_index("value")
    expected = expected_from_raw_csv(source)
    expected = expected.rename(columns={"median": "median_hours", "p90": "p90_hours"})
    assert sorted(expected.index) == sorted(ours.index[ours["tickets"] > 0])
    for priority, row in expected.iterrows():
        assert ours.loc[priority, "tickets"] == row["tickets"], priority
        assert ours.loc[priority, "median_hours"] == pytest.approx(row["median_hours"], abs=1e-9)
        assert ours.loc[priority, "p90_hours"] == pytest.approx(row["p90_hours"], abs=1e-9)

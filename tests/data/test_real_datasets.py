"""Ingest each real public export and account for every incident (skips without the folder)."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from tickets.data.ingest import ingest_file
from tickets.data.warehouse import Warehouse

pytestmark = pytest.mark.slow

CASES = [
    # preset, file, tickets in the source (known counts from the dataset README)
    ("uci_incident_log", "uci_incident_log/incident_event_log.csv.gz", 24_918),
    ("bpi2013_volvo", "bpi2013_volvo_incidents/VINST-new.csv.gz", 7_554),
    ("baltimore_311", "baltimore_311/311_sample.csv.gz", 10_000),
    ("it_ticket_assignment", "it_ticket_assignment/tickets.csv.gz", 6_800),
    ("endava_tickets", "endava_tickets/tickets.csv.gz", 4_344),
    ("endava_topics", "endava_tickets/topics.csv.gz", 3_044),
]


def _count(warehouse: Warehouse) -> int:
    return duckdb.execute(f"SELECT count(*) FROM {warehouse.tickets_scan_sql()}").fetchall()[0][0]


@pytest.mark.parametrize(("preset", "relative", "expected"), CASES, ids=[c[0] for c in CASES])
def test_every_source_ticket_is_accepted_or_rejected(
    preset, relative, expected, datasets_dir, preset_spec, tmp_path
):
    warehouse = Warehouse.at(tmp_path)
    spec = preset_spec(preset)
    summary = ingest_file(datasets_dir / relative, spec, warehouse)
    assert summary.tickets_in_file == expected
    assert summary.accepted + summary.rejected == expected
    stored = _count(warehouse)
    assert stored == summary.accepted
    again = ingest_file(datasets_dir / relative, spec, warehouse)
    assert again.skipped
    forced = ingest_file(datasets_dir / relative, spec, warehouse, force=True)
    assert (forced.inserted, forced.updated) == (0, 0)
    assert _count(warehouse) == stored


def test_uci_latest_update_matches_an_independent_pandas_collapse(
    datasets_dir, preset_spec, tmp_path
):
    raw = pd.read_csv(
        datasets_dir / "uci_incident_log/incident_event_log.csv.gz", dtype=str, na_values=["?"]
    )
    raw["mod"] = raw["sys_mod_count"].astype(int)
    raw["updated"] = pd.to_datetime(raw["sys_updated_at"], format="%d/%m/%Y %H:%M")
    latest = raw.sort_values(["number", "mod", "updated"]).groupby("number").tail(1)
    expected = latest.set_index("number")[["assigned_to", "made_sla", "resolved_at"]]
    warehouse = Warehouse.at(tmp_path)
    ingest_file(
        datasets_dir / "uci_incident_log/incident_event_log.csv.gz",
        preset_spec("uci_incident_log"),
        warehouse,
    )
    got = (
        duckdb.sql(
            "SELECT ticket_id, agent_id, sla_breach, "
            "strftime(resolved_at, '%-d/%-m/%Y %H:%M') AS r "
            f"FROM {warehouse.tickets_scan_sql()}"
        )
        .df()
        .set_index("ticket_id")
    )
    joined = got.join(expected, how="inner")
    assert len(joined) == 24_918
    assert (joined["agent_id"].fillna("") == joined["assigned_to"].fillna("")).all()
    assert (joined["sla_breach"] == (joined["made_sla"] == "false")).all()
    assert (joined["r"].fillna("") == joined["resolved_at"].fillna("")).all()

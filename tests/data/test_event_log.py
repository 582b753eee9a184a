"""Event logs collapse to one row per ticket: latest update, first/last times, counts."""

from __future__ import annotations

import duckdb
import pyarrow.parquet as pq

from tickets.data.ingest import ingest_file
from tickets.data.warehouse import Warehouse


def _tickets(warehouse: Warehouse) -> dict[str, dict]:
    rows = duckdb.sql(f"SELECT * FROM {warehouse.tickets_scan_sql()}").to_arrow_table().to_pylist()
    return {r["ticket_id"]: r for r in rows}


def test_servicenow_log_keeps_the_highest_sys_mod_count(fixtures_dir, preset_spec, tmp_path):
    warehouse = Warehouse.at(tmp_path)
    summary = ingest_file(
        fixtures_dir / "ingest/events_dayfirst.csv", preset_spec("uci_incident_log"), warehouse
    )
    assert (summary.rows_read, summary.tickets_in_file) == (8, 3)
    assert (summary.accepted, summary.rejected_by_reason) == (2, {"unparseable_timestamp": 1})
    tickets = _tickets(warehouse)
    first, second = tickets["0000045"], tickets["0000046"]
    # Day-first dates: 29/2/2016 is 29 February; the latest update is sys_mod_count 2.
    assert first["created_at"].isoformat() == "2016-02-29T01:16:00+00:00"
    assert first["resolved_at"].isoformat() == "2016-02-29T08:50:00+00:00"
    assert (first["status"], first["agent_id"], first["sla_breach"]) == (
        "resolved",
        "Agent 7",
        False,
    )
    # Two updates share 3/3 11:00; sys_mod_count 3 (Closed) wins the tie.
    assert second["status"] == "closed"
    assert second["resolved_at"].isoformat() == "2016-03-05T12:00:00+00:00"
    assert (second["queue"], second["priority"], second["reopened_count"]) == (
        "Service",
        "medium",
        1,
    )
    assert second["sla_breach"] is True  # made_sla = false


def test_rejected_ticket_names_the_first_bad_event_row(fixtures_dir, preset_spec, tmp_path):
    summary = ingest_file(
        fixtures_dir / "ingest/events_dayfirst.csv",
        preset_spec("uci_incident_log"),
        Warehouse.at(tmp_path),
    )
    (reject,) = pq.read_table(f"{summary.run_dir}/rejects.parquet").to_pylist()
    assert reject["ticket_id"] == "0000047" and reject["row"] == 8
    assert reject["reason"].startswith("events_dayfirst.csv row 8: created_at '32/3/2016 10:00'")


def test_status_log_derives_resolution_reopens_and_reassignments(
    fixtures_dir, preset_spec, tmp_path
):
    warehouse = Warehouse.at(tmp_path)
    summary = ingest_file(
        fixtures_dir / "ingest/events_status.csv", preset_spec("bpi2013_volvo"), warehouse
    )
    assert (summary.rows_read, summary.accepted, summary.rejected) == (7, 2, 0)
    ticket = _tickets(warehouse)["1-1"]
    assert ticket["created_at"].isoformat() == "2012-01-01T09:00:00+00:00"  # first event, UTC
    assert ticket["resolved_at"].isoformat() == "2012-01-04T08:00:00+00:00"  # last Completed
    assert ticket["closed_at"].isoformat() == "2012-01-04T08:00:00+00:00"
    assert ticket["reopened_count"] == 1  # Completed → Accepted once
    assert ticket["reassignment_count"] == 2  # ST1 → ST2 → ST1
    assert (ticket["agent_id"], ticket["status"], ticket["priority"]) == (
        "Ben",
        "resolved",
        "medium",
    )
    assert ticket["x_support_level"] == "L1"
    open_ticket = _tickets(warehouse)["1-2"]
    assert open_ticket["resolved_at"] is None and open_ticket["reopened_count"] == 0

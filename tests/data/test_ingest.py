"""Ingestion of hand-made canonical exports: every row accounted for, reruns change nothing."""

from __future__ import annotations

import shutil

import duckdb
import pyarrow.parquet as pq
import pytest

from tickets.data.adapters import MissingColumnsError
from tickets.data.ingest import ingest_file
from tickets.data.warehouse import Warehouse


def _tickets(warehouse: Warehouse) -> dict[str, dict]:
    rows = duckdb.sql(f"SELECT * FROM {warehouse.tickets_scan_sql()}").to_arrow_table().to_pylist()
    return {r["ticket_id"]: r for r in rows}


def _rejects(summary) -> dict[int, str]:
    table = pq.read_table(f"{summary.run_dir}/rejects.parquet").to_pylist()
    return {r["row"]: r["reason_code"] for r in table}


@pytest.fixture()
def mixed(fixtures_dir, preset_spec, tmp_path):
    warehouse = Warehouse.at(tmp_path / "wh")
    summary = ingest_file(fixtures_dir / "ingest/tickets_mixed.csv", preset_spec(), warehouse)
    return warehouse, summary


def test_every_row_is_accepted_rejected_superseded_or_collapsed(mixed):
    _, summary = mixed
    assert summary.rows_read == 12
    assert summary.accepted == 3  # T-001, T-006 (later version), T-008
    assert summary.rejected == 7
    assert summary.superseded_in_file == 1  # T-006 first version
    assert summary.identical_duplicates == 1  # second T-008
    accounted = (
        summary.accepted + summary.rejected + summary.superseded_in_file
    ) + summary.identical_duplicates
    assert accounted == summary.rows_read


def test_bad_rows_go_to_rejects_with_their_reason(mixed):
    _, summary = mixed
    assert _rejects(summary) == {
        2: "resolved_before_created",
        3: "unparseable_timestamp",
        4: "csat_out_of_range",
        5: "negative_count",
        8: "duplicate_conflict",
        9: "duplicate_conflict",
        12: "missing_required",
    }
    reasons = {
        r["row"]: r["reason"]
        for r in pq.read_table(f"{summary.run_dir}/rejects.parquet").to_pylist()
    }
    assert reasons[2] == (
        "tickets_mixed.csv row 2: resolved_at 2024-01-02T10:00:00Z is before "
        "created_at 2024-01-05T10:00:00Z"
    )
    assert reasons[3].startswith("tickets_mixed.csv row 3: created_at 'not a date' is not")


def test_unparseable_row_keeps_its_raw_source_values(mixed):
    _, summary = mixed
    rows = pq.read_table(f"{summary.run_dir}/rejects.parquet").to_pylist()
    raw = next(r["raw"] for r in rows if r["row"] == 3)
    assert '"created_at": "not a date"' in raw and '"subject": "Bad timestamp"' in raw


def test_accepted_values_are_canonical_and_utc(mixed):
    warehouse, _ = mixed
    tickets = _tickets(warehouse)
    assert set(tickets) == {"T-001", "T-006", "T-008"}
    first = tickets["T-001"]
    assert (first["status"], first["priority"], first["channel"]) == ("resolved", "high", "email")
    assert first["created_at"].isoformat() == "2024-01-05T09:00:00+00:00"
    assert first["satisfaction_score"] == 5.0 and first["sla_breach"] is False
    assert first["x_internal_note"] == "vip"
    assert tickets["T-006"]["subject"] == "Later version"


def test_tickets_are_partitioned_by_created_month(mixed):
    warehouse, _ = mixed
    months = sorted(p.name for p in warehouse.tickets_dir.iterdir())
    assert months == ["created_month=2024-01", "created_month=2024-02"]


def test_rerun_of_the_same_file_changes_nothing(mixed, fixtures_dir, preset_spec):
    warehouse, _ = mixed
    before = sorted(p.read_bytes() for p in warehouse.ticket_files())
    again = ingest_file(fixtures_dir / "ingest/tickets_mixed.csv", preset_spec(), warehouse)
    assert again.skipped
    forced = ingest_file(
        fixtures_dir / "ingest/tickets_mixed.csv", preset_spec(), warehouse, force=True
    )
    assert (forced.inserted, forced.updated, forced.unchanged) == (0, 0, 3)
    assert len(_tickets(warehouse)) == 3
    assert sorted(p.read_bytes() for p in warehouse.ticket_files()) == before


def test_a_newer_update_replaces_a_ticket_and_older_ones_do_not(mixed, fixtures_dir, preset_spec):
    warehouse, _ = mixed
    summary = ingest_file(fixtures_dir / "ingest/tickets_update.csv", preset_spec(), warehouse)
    # T-001 same updated_at, different columns → warehouse copy stays; T-006 older → stays;
    # T-004 (rejected before) and T-009 are new.
    assert (summary.inserted, summary.updated, summary.stale) == (2, 0, 2)
    tickets = _tickets(warehouse)
    assert set(tickets) == {"T-001", "T-004", "T-006", "T-008", "T-009"}
    assert tickets["T-001"]["satisfaction_score"] == 5.0
    assert tickets["T-006"]["subject"] == "Later version"


def test_a_later_updated_at_wins_across_files(mixed, tmp_path, preset_spec):
    warehouse, _ = mixed
    newer = tmp_path / "newer.csv"
    newer.write_text(
        "ticket_id,created_at,updated_at,status\n"
        "T-008,2024-02-01T09:00:00Z,2024-02-03T09:00:00Z,closed\n"
    )
    summary = ingest_file(newer, preset_spec(), warehouse)
    assert summary.updated == 1
    assert _tickets(warehouse)["T-008"]["status"] == "closed"


def test_missing_created_at_column_is_a_clear_error(fixtures_dir, preset_spec, tmp_path):
    with pytest.raises(MissingColumnsError) as err:
        ingest_file(
            fixtures_dir / "ingest/no_created_at.csv", preset_spec(), Warehouse.at(tmp_path)
        )
    message = str(err.value)
    assert "no_created_at.csv" in message
    assert "created_at" in message and "ticket_id, opened, status" in message
    assert "data.columns.created_at=<source column>" in message
    assert not (tmp_path / "tickets").exists()


def test_a_crash_during_the_merge_leaves_the_warehouse_as_it_was(
    mixed, fixtures_dir, preset_spec, monkeypatch
):
    warehouse, _ = mixed
    before = _tickets(warehouse)

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("tickets.data.ingest.merge_into_warehouse", explode)
    with pytest.raises(RuntimeError):
        ingest_file(fixtures_dir / "ingest/tickets_update.csv", preset_spec(), warehouse)
    assert _tickets(warehouse) == before
    assert not list(warehouse.root.glob(".ingest-staging-*"))


@pytest.mark.parametrize("name", ["tickets.json", "tickets.jsonl", "tickets.jsonl.gz"])
def test_json_and_jsonl_exports_read_the_same(name, fixtures_dir, preset_spec, tmp_path):
    warehouse = Warehouse.at(tmp_path)
    summary = ingest_file(fixtures_dir / "ingest" / name, preset_spec(), warehouse)
    assert (summary.accepted, summary.rejected) == (1, 1)
    ticket = _tickets(warehouse)["0042"]  # the leading zeros survive
    assert (ticket["satisfaction_score"], ticket["sla_breach"], ticket["reopened_count"]) == (
        4.0,
        True,
        2,
    )
    assert _rejects(summary) == {2: "unparseable_number"}


def test_parquet_exports_round_trip(mixed, preset_spec, tmp_path):
    warehouse, _ = mixed
    exported = tmp_path / "export.parquet"
    duckdb.sql(
        f"COPY (SELECT * EXCLUDE (created_month) FROM {warehouse.tickets_scan_sql()}) "
        f"TO '{exported}' (FORMAT parquet)"
    )
    copy = Warehouse.at(tmp_path / "copy")
    summary = ingest_file(exported, preset_spec(), copy)
    assert summary.accepted == 3 and summary.rejected == 0
    assert _tickets(copy) == _tickets(warehouse)


def test_byte_order_mark_and_offsets(fixtures_dir, preset_spec, tmp_path):
    warehouse = Warehouse.at(tmp_path)
    ingest_file(
        fixtures_dir / "ingest/bom.csv",
        preset_spec("canonical", "data.timezone=Europe/Berlin"),
        warehouse,
    )
    tickets = _tickets(warehouse)
    # +01:00 offset kept; the naive value is read in the source timezone (Berlin, UTC+1 in Jan).
    assert tickets["B-1"]["created_at"].isoformat() == "2024-01-01T09:00:00+00:00"
    assert tickets["B-2"]["created_at"].isoformat() == "2024-01-01T09:00:00+00:00"


def test_malformed_csv_lines_are_rejected_not_lost(preset_spec, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "ticket_id,created_at,status\n"
        "M-1,2024-01-01T10:00:00Z,open\n"
        "M-2,2024-01-01T10:00:00Z,open,surplus\n"
        "M-3,2024-01-01T11:00:00Z,open\n"
    )
    summary = ingest_file(bad, preset_spec(), Warehouse.at(tmp_path / "wh"))
    assert summary.accepted == 2
    assert summary.rejected_by_reason == {"malformed_line": 1}


def test_staging_is_cleaned_and_manifest_records_the_file(mixed):
    warehouse, summary = mixed
    manifest = warehouse.read_manifest()
    (entry,) = manifest["files"].values()
    assert entry["sha256"] == summary.sha256 and entry["rows_read"] == 12
    assert entry["config"]["name"] == "canonical"
    assert not list(warehouse.root.glob(".ingest-staging-*"))
    shutil.rmtree(warehouse.tickets_dir)
    # With the silver set gone, the manifest no longer short-circuits a rerun.
    assert not warehouse.has_tickets()

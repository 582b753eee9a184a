"""The generator's bronze exports ingest back to the canonical tickets it wrote."""

from __future__ import annotations

import duckdb
import pytest

from tickets.cli import main
from tickets.data.ingest import ingest_file
from tickets.data.warehouse import Warehouse

EVENT_LOG_HAS_NO_TEXT = ("body", "resolution")


@pytest.fixture(scope="module", params=["parquet", "csv", "jsonl"])
def generated(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"generated-{request.param}")
    code = main(
        ["generate", "--tickets", "400", "--seed", "5", "--days", "60", "--format", request.param,
         "--output-dir", str(out)]
    )  # fmt: skip
    assert code == 0
    return out, request.param


def _rows(warehouse: Warehouse, columns: list[str]) -> list[tuple]:
    select = ", ".join(columns)
    return duckdb.execute(
        f"SELECT {select} FROM {warehouse.tickets_scan_sql()} ORDER BY ticket_id"
    ).fetchall()


def _columns(warehouse: Warehouse) -> list[str]:
    names = duckdb.execute(f"DESCRIBE SELECT * FROM {warehouse.tickets_scan_sql()}").fetchall()
    return [n[0] for n in names if n[0] != "created_month"]


@pytest.mark.parametrize(
    ("preset", "export", "skipped"),
    [
        ("generated_renamed", "tickets_renamed", ()),
        ("generated_events", "ticket_events", EVENT_LOG_HAS_NO_TEXT),
    ],
)
def test_bronze_export_ingests_back_to_the_same_tickets(
    generated, preset, export, skipped, preset_spec, tmp_path
):
    out, fmt = generated
    original = Warehouse.at(out)
    copy = Warehouse.at(tmp_path / "copy")
    summary = ingest_file(out / "bronze" / f"{export}.{fmt}", preset_spec(preset), copy)
    assert summary.rejected == 0
    assert summary.accepted == 400
    columns = [c for c in _columns(original) if c not in skipped]
    assert _rows(copy, columns) == _rows(original, columns)

"""The warehouse profile read from the Parquet footers equals the one from a full scan, and
falls back to the scan when a file has no usable statistics."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyarrow.parquet as pq

from tickets.analytics.engine import connect_engine
from tickets.analytics.loader import (
    DataProfile,
    _footer_instants,
    load_tables,
    profile,
    profile_warehouse,
)
from tickets.analytics.settings import EngineSettings
from tickets.data.warehouse import Warehouse

from .handmade import build


def _both(root: Path) -> tuple[DataProfile, DataProfile, bool]:
    backend = connect_engine(EngineSettings())
    warehouse = Warehouse.at(root)
    tables = load_tables(backend, warehouse)
    scanned = profile(backend, tables.tickets)
    from_footers = profile_warehouse(backend, tables, warehouse)
    used_footers = _footer_instants(backend, warehouse) is not None

    def ordered(p: DataProfile) -> DataProfile:
        return dataclasses.replace(p, combos=sorted(p.combos, key=str))

    return ordered(scanned), ordered(from_footers), used_footers


def test_footer_profile_equals_the_scan(generated_warehouse: Path) -> None:
    scanned, from_footers, used_footers = _both(generated_warehouse)
    assert used_footers
    assert from_footers == scanned
    assert scanned.tickets == 5000 and scanned.snapshot is not None


def test_handmade_warehouse(tmp_path: Path) -> None:
    scanned, from_footers, _ = _both(build(tmp_path / "wh").root)
    assert from_footers == scanned


def test_files_without_statistics_fall_back_to_the_scan(tmp_path: Path) -> None:
    warehouse = build(tmp_path / "wh")
    for path in warehouse.ticket_files():
        pq.write_table(pq.read_table(path), path, write_statistics=False)
    scanned, from_footers, used_footers = _both(warehouse.root)
    assert not used_footers
    assert from_footers == scanned

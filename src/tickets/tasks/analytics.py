"""``python main.py analytics``: placeholder summary until the analytics bundle lands."""

from __future__ import annotations

from omegaconf import DictConfig

from tickets.data.duck import connect
from tickets.data.warehouse import Warehouse, WarehouseError
from tickets.utils.logging import console


def run(cfg: DictConfig) -> int:
    warehouse = Warehouse.at(cfg.paths.warehouse)
    try:
        warehouse.require_tickets()
    except WarehouseError as err:
        console.print(f"[red]{err}[/]")
        return 1
    con = connect()
    row = con.execute(
        f"SELECT count(*), min(created_at), max(created_at), count(resolved_at) "
        f"FROM {warehouse.tickets_scan_sql()}"
    ).fetchone()
    assert row is not None
    console.print(
        f"{row[0]} tickets from {row[1]} to {row[2]}, {row[3]} resolved "
        f"(warehouse {warehouse.root})"
    )
    return 0

"""Write the dimension tables of the generated warehouse (schemas in tickets.schemas)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from tickets.data.generator.catalog import BASE_TARGETS, DEFAULT_CALENDAR, PRODUCTS, QUEUES
from tickets.data.generator.kb import kb_table
from tickets.data.generator.world import World, queue_calendar_specs
from tickets.data.warehouse import Warehouse
from tickets.schemas.dimensions import PRODUCTS_SCHEMA, SLA_POLICIES_SCHEMA
from tickets.schemas.tickets import PRIORITIES

ESTABLISHED_DAYS_BEFORE = 3 * 365


def products_table(world: World) -> pa.Table:
    start = dt.datetime.combine(world.settings.start, dt.time.min, tzinfo=dt.UTC)
    rows = []
    for i, product in enumerate(PRODUCTS):
        offset = (
            world.arrivals.launch_day if product.launched else -ESTABLISHED_DAYS_BEFORE + 90 * i
        )
        rows.append(
            {
                "product": product.name,
                "product_line": product.line,
                "launched_at": start + dt.timedelta(days=offset),
            }
        )
    return pa.Table.from_pylist(rows, schema=PRODUCTS_SCHEMA)


def sla_policies_table(world: World) -> pa.Table:
    """One row per queue × priority on the queue's calendar, then the default (null) queue."""
    rows = []
    for q, (queue, spec) in enumerate(
        zip(QUEUES, queue_calendar_specs(world.settings), strict=True)
    ):
        for p, priority in enumerate(PRIORITIES):
            rows.append(
                {
                    "queue": queue.name,
                    "priority": priority,
                    "first_response_target_hours": float(world.targets[q, p, 0]),
                    "resolution_target_hours": float(world.targets[q, p, 1]),
                    "calendar_timezone": spec.timezone,
                    "working_days": list(spec.working_days),
                    "work_start": spec.work_start,
                    "work_end": spec.work_end,
                    "holidays": list(spec.holidays),
                }
            )
    tz, days, opens, closes = DEFAULT_CALENDAR
    for priority in PRIORITIES:
        first, resolution = BASE_TARGETS[priority]
        rows.append(
            {
                "queue": None,
                "priority": priority,
                "first_response_target_hours": first,
                "resolution_target_hours": resolution,
                "calendar_timezone": tz,
                "working_days": list(days),
                "work_start": opens,
                "work_end": closes,
                "holidays": [],
            }
        )
    return pa.Table.from_pylist(rows, schema=SLA_POLICIES_SCHEMA)


def write_dimensions(world: World, warehouse: Warehouse) -> dict[str, tuple[Path, int]]:
    tables = {
        "agents": world.staff.table(),
        "customers": world.customers.table(),
        "sla_policies": sla_policies_table(world),
        "kb_articles": kb_table(world),
        "products": products_table(world),
    }
    return {
        name: (warehouse.write_dimension(name, table), table.num_rows)
        for name, table in tables.items()
    }

"""The concise terminal summary of a run (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from tickets.analytics.compute import Bundle
from tickets.analytics.html_report import fmt_value, kind_of
from tickets.analytics.satisfaction import DriverSection

_STYLE = {"better": "green", "worse": "red"}


def _value(row: dict[str, Any], key: str) -> str:
    return fmt_value(row[key], kind_of(row["unit"]))


def headline_table(bundle: Bundle) -> Table:
    table = Table(title=f"Analytics · {bundle.window.label()}", title_justify="left")
    table.add_column("metric")
    table.add_column("now", justify="right")
    table.add_column("previous", justify="right")
    table.add_column("change", justify="right")
    for row in bundle.comparison:
        delta_kind = "signed_int" if row["unit"] == "tickets" else "signed"
        delta = "" if row["delta"] is None else fmt_value(row["delta"], delta_kind)
        delta += " pp" if delta and row["unit"] == "%" else ""
        style = _STYLE.get(row["verdict"], "")
        table.add_row(
            row["label"],
            _value(row, "current"),
            _value(row, "previous"),
            f"[{style}]{delta}[/]" if style else delta,
        )
    return table


def print_summary(console: Console, bundle: Bundle, drivers: DriverSection) -> None:
    if bundle.is_empty:
        console.print(
            "[yellow]No tickets in this window[/]: nothing was received, resolved or open."
        )
    console.print(headline_table(bundle))
    if drivers.status == "ok":
        top = ", ".join(
            f"{d['feature']} ({'+' if d['direction'] > 0 else '−' if d['direction'] < 0 else '±'}"
            f"{d['importance']:.2f})"
            for d in drivers.drivers[:3]
        )
        console.print(f"CSAT drivers: {top}  [dim]({drivers.message})[/]")
    else:
        console.print(f"[yellow]CSAT drivers:[/] {drivers.message}")
    agents = bundle.tables["agent_performance"]
    if len(agents):
        best = agents.sort_values("tickets_resolved", ascending=False).iloc[0]
        console.print(
            f"Agents: {len(agents)} active; most resolved: {best['agent_id']} "
            f"({int(best['tickets_resolved'])})"
        )
    d = bundle.disagreement
    console.print(
        f"SLA vs source flag: {d.get('source_only', 0)} breached by the source only, "
        f"{d.get('computed_only', 0)} computed only"
    )

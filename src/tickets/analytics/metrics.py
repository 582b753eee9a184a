"""Metrics as data: a metric names a *type* (count, mean, quantile, rate), a column and a
population; this module turns lists of them into Ibis aggregations (MetricFlow style).

Populations are defined once per window (Freshdesk semantics, see docs/metrics.md):
- ``received``: created in the window;
- ``resolved``: (finally) resolved in the window, whatever the creation date;
- ``backlog``: created before the window ends and not resolved by then;
- ``handled``: received or resolved in the window (an agent's workload).

Aggregates skip nulls, so a metric over ``first_response_hours`` with population ``received``
only counts tickets that got a response. Quantiles are exact (``quantile_cont`` on DuckDB,
``percentile`` on Spark) and the quantiles of one column and population share one pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import ibis
import ibis.expr.types as ir

from tickets.analytics.windows import ReportWindow

Kind = Literal["count", "count_true", "mean", "quantile", "rate"]
Population = Literal["received", "resolved", "backlog", "handled", "active"]
NO_VALUE = "(none)"


@dataclass(frozen=True)
class Metric:
    name: str
    kind: Kind
    population: Population
    column: str | None = None  # None with kind=count: count the population's tickets
    quantile: float | None = None
    label: str = ""
    unit: str = ""  # tickets | hours | business hours | % | points
    better: Literal["higher", "lower"] | None = None
    description: str = ""


def populations(t: ir.Table, window: ReportWindow) -> dict[str, ir.BooleanValue]:
    lo, hi = window.epoch_bounds
    received = (t.created_s >= lo) & (t.created_s < hi)
    resolved = t.resolved_s.notnull() & (t.resolved_s >= lo) & (t.resolved_s < hi)
    backlog = (t.created_s < hi) & (t.resolved_s.isnull() | (t.resolved_s >= hi))
    return {
        "received": received,
        "resolved": resolved.fill_null(False),
        "backlog": backlog.fill_null(False),
        "handled": received | resolved.fill_null(False),
        "active": received | resolved.fill_null(False) | backlog.fill_null(False),
    }


def _scalar(t: ir.Table, metric: Metric, where: ir.BooleanValue) -> ir.Scalar:
    if metric.kind == "count":
        if metric.column is None:
            return where.cast("int64").sum().fill_null(0)
        return t[metric.column].count(where=where)
    column = t[metric.column]
    if metric.kind == "count_true":
        return (where & column.fill_null(False)).cast("int64").sum().fill_null(0)
    if metric.kind == "mean":
        return column.cast("float64").mean(where=where)
    if metric.kind == "rate":
        return column.cast("float64").mean(where=where) * 100.0
    raise ValueError(f"metric {metric.name}: unknown kind {metric.kind!r}")


def aggregations(
    t: ir.Table, metrics: Sequence[Metric], window: ReportWindow
) -> tuple[dict[str, ir.Scalar], dict[str, tuple[str, int]]]:
    """Aggregate expressions by name, plus how to unpack the shared multi-quantile arrays."""
    pops = populations(t, window)
    exprs: dict[str, ir.Scalar] = {}
    unpack: dict[str, tuple[str, int]] = {}
    groups: dict[tuple[str, str], list[Metric]] = {}
    for metric in metrics:
        if metric.kind == "quantile":
            assert metric.column is not None
            groups.setdefault((metric.column, metric.population), []).append(metric)
        else:
            exprs[metric.name] = _scalar(t, metric, pops[metric.population])
    for index, ((column, population), members) in enumerate(groups.items()):
        array_name = f"_quantiles_{index}"
        levels = [float(m.quantile or 0.0) for m in members]
        exprs[array_name] = t[column].cast("float64").quantile(levels, where=pops[population])
        for position, member in enumerate(members):
            unpack[member.name] = (array_name, position)
    return exprs, unpack


def _finish(
    aggregated: ir.Table,
    metrics: Sequence[Metric],
    unpack: dict[str, tuple[str, int]],
    keys: Sequence[str],
) -> ir.Table:
    columns: dict[str, ir.Value] = {key: aggregated[key] for key in keys}
    for metric in metrics:
        if metric.name in unpack:
            array_name, position = unpack[metric.name]
            columns[metric.name] = aggregated[array_name][position]
        else:
            columns[metric.name] = aggregated[metric.name]
    return aggregated.select(**columns)


def breakdown(
    t: ir.Table, metrics: Sequence[Metric], window: ReportWindow, dimensions: Sequence[str]
) -> ir.Table:
    """One row per (dimension, value) over the window's active tickets; 'overall' = all."""
    active = t.filter(populations(t, window)["active"])
    exprs, unpack = aggregations(active, metrics, window)
    parts = []
    for dimension in dimensions:
        if dimension == "overall":
            grouped = active.aggregate(**exprs).mutate(value=ibis.literal("all"))
        else:
            value = active[dimension].cast("string").fill_null(NO_VALUE)
            grouped = active.group_by(value=value).aggregate(**exprs)
        grouped = grouped.mutate(dimension=ibis.literal(dimension))
        parts.append(_finish(grouped, metrics, unpack, ("dimension", "value")))
    return ibis.union(*parts) if len(parts) > 1 else parts[0]


def describe(metrics: Sequence[Metric]) -> list[dict[str, object]]:
    """Metric definitions for summary.json and the report."""
    return [
        {
            "name": m.name,
            "label": m.label or m.name,
            "unit": m.unit,
            "better": m.better,
            "description": m.description,
        }
        for m in metrics
    ]

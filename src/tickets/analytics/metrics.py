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


POPULATIONS: tuple[Population, ...] = ("received", "resolved", "backlog", "handled", "active")


def flag_column(population: Population, window: ReportWindow) -> str:
    """The name of a stored flag column holding ``population`` of ``window``."""
    lo, hi = window.epoch_bounds
    return f"_in_{population}_{lo}_{hi}"


def with_population_flags(
    t: ir.Table, windows: Sequence[ReportWindow]
) -> tuple[ir.Table, list[str]]:
    """``t`` plus the windows' populations as flag columns (and their names), to store with
    the tickets: every aggregate then reads a flag instead of re-deriving the population
    (less to compile, less to evaluate)."""
    flags: dict[str, ir.BooleanValue] = {}
    for window in windows:
        pops = population_exprs(t, window)
        flags.update({flag_column(name, window): pops[name] for name in POPULATIONS[:3]})
    t = t.mutate(**flags)
    unions: dict[str, ir.BooleanValue] = {}
    for window in windows:  # handled and active, from the stored received/resolved/backlog
        received, resolved, backlog = (t[flag_column(name, window)] for name in POPULATIONS[:3])
        unions[flag_column("handled", window)] = received | resolved
        unions[flag_column("active", window)] = received | resolved | backlog
    return t.mutate(**unions), [*flags, *unions]


def populations(t: ir.Table, window: ReportWindow) -> dict[str, ir.BooleanValue]:
    """The window's populations: the stored flags when ``t`` has them, else expressions."""
    names = {name: flag_column(name, window) for name in POPULATIONS}
    if all(name in t.columns for name in names.values()):
        return {population: t[name] for population, name in names.items()}
    return population_exprs(t, window)


def population_exprs(t: ir.Table, window: ReportWindow) -> dict[str, ir.BooleanValue]:
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


def _partials(t: ir.Table, metric: Metric, where: ir.BooleanValue) -> dict[str, ir.Scalar]:
    """Sums and counts that add up across groups to ``metric`` (any kind but quantile)."""
    name = metric.name
    if metric.kind == "count":
        if metric.column is None:
            return {name: where.cast("int64").sum()}
        return {name: t[metric.column].count(where=where)}
    column = t[metric.column]
    if metric.kind == "count_true":
        return {name: (where & column.fill_null(False)).cast("int64").sum()}
    if metric.kind in ("mean", "rate"):
        return {
            f"{name}__sum": column.cast("float64").sum(where=where),
            f"{name}__n": column.count(where=where),
        }
    raise ValueError(f"metric {metric.name}: {metric.kind!r} has no partial aggregates")


def _from_partials(p: ir.Table, metric: Metric) -> ir.Scalar:
    """``metric`` over a group of rows of partials (a mean is the sum over the count)."""
    if metric.kind in ("count", "count_true"):
        return p[metric.name].sum().fill_null(0)
    mean = p[f"{metric.name}__sum"].sum() / p[f"{metric.name}__n"].sum().nullif(0)
    return mean * 100.0 if metric.kind == "rate" else mean


def _rollup(
    active: ir.Table, metrics: Sequence[Metric], window: ReportWindow, dimensions: Sequence[str]
) -> ir.Table:
    """``breakdown`` without quantiles: one pass over the tickets aggregates sums and counts
    per combination of the dimensions' values (a few thousand rows at most), and every
    dimension then adds those up: one scan instead of one per dimension."""
    pops = populations(active, window)
    partials: dict[str, ir.Scalar] = {}
    for metric in metrics:
        partials.update(_partials(active, metric, pops[metric.population]))
    keys = [dimension for dimension in dimensions if dimension != "overall"]
    combos = active.group_by(keys).aggregate(**partials) if keys else active.aggregate(**partials)
    stacked = _stack(combos, dimensions).select("dimension", "value", *partials)
    totals = {metric.name: _from_partials(stacked, metric) for metric in metrics}
    return stacked.group_by("dimension", "value").aggregate(**totals)


def _stack(t: ir.Table, dimensions: Sequence[str]) -> ir.Table:
    """``t`` once per dimension, labelled with the dimension and the row's value of it."""
    parts = []
    for dimension in dimensions:
        if dimension == "overall":
            value = ibis.literal("all")
        else:
            value = t[dimension].cast("string").fill_null(NO_VALUE)
        parts.append(t.mutate(dimension=ibis.literal(dimension), value=value))
    return ibis.union(*parts) if len(parts) > 1 else parts[0]


def breakdown(
    t: ir.Table, metrics: Sequence[Metric], window: ReportWindow, dimensions: Sequence[str]
) -> ir.Table:
    """One row per (dimension, value) over the window's active tickets; 'overall' = all."""
    active = t.filter(populations(t, window)["active"])
    if not any(metric.kind == "quantile" for metric in metrics):
        return _rollup(active, metrics, window, dimensions)
    # quantiles do not add up across groups: stack the tickets once per dimension and
    # aggregate the stack in one grouped pass
    stacked = _stack(active, dimensions)
    exprs, unpack = aggregations(stacked, metrics, window)
    grouped = stacked.group_by("dimension", "value").aggregate(**exprs)
    return _finish(grouped, metrics, unpack, ("dimension", "value"))


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

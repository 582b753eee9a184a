"""Collapse one-row-per-update event logs into one row per ticket, in DuckDB SQL.

The latest event (by ``order_by``) gives every column's value unless an aggregate says
otherwise: first/last times of a status, min/max, value changes (reassignments) and re-entries
(reopens). Events with no ticket id are passed through so validation rejects them.
"""

from __future__ import annotations

from tickets.data.adapter_spec import Aggregate, EventLogSpec
from tickets.data.duck import sql_literal


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _in_list(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(sql_literal(v) for v in values) + ")"


def _aggregate_sql(column: str, rule: Aggregate, spec: EventLogSpec, sql_type: str) -> str:
    time = ident(spec.time_column)
    source = ident(rule.column or column)
    if rule.kind == "min":
        return f"min({source})"
    if rule.kind == "max":
        return f"max({source})"
    if rule.kind in ("first_time_where", "last_time_where"):
        fn = "min" if rule.kind == "first_time_where" else "max"
        return f"{fn}({time}) FILTER (WHERE {source} IN {_in_list(rule.values)})"
    if rule.kind == "changes":
        prev = ident(f"_prev_{rule.column or column}")
        return (
            f"CAST(count(*) FILTER (WHERE {prev} IS NOT NULL AND {source} IS NOT NULL "
            f"AND {prev} <> {source}) AS {sql_type})"
        )
    if rule.kind == "reentries":
        prev = ident(f"_prev_{rule.column or column}")
        values = _in_list(rule.values)
        return (
            f"CAST(count(*) FILTER (WHERE {prev} IN {values} AND {source} IS NOT NULL "
            f"AND {source} NOT IN {values}) AS {sql_type})"
        )
    raise ValueError(f"aggregate {rule.kind!r} is computed from the latest event")


def collapse_sql(source: str, spec: EventLogSpec, column_types: dict[str, str]) -> str:
    """SQL selecting one row per ticket from the event table ``source``."""
    order = ", ".join(f"{ident(c)} ASC NULLS FIRST" for c in spec.order_by) + ", _row ASC"
    window = f"PARTITION BY ticket_id ORDER BY {order}"
    lagged = sorted(
        {r.column or c for c, r in spec.aggregates.items() if r.kind in ("changes", "reentries")}
    )
    lags = "".join(f", lag({ident(c)}) OVER ({window}) AS {ident('_prev_' + c)}" for c in lagged)
    computed = {
        column: _aggregate_sql(column, rule, spec, column_types[column])
        for column, rule in spec.aggregates.items()
        if rule.kind != "latest"
    }
    agg_select = "".join(f", {sql} AS {ident(col)}" for col, sql in computed.items())
    replaced = ", ".join(f"agg.{ident(c)} AS {ident(c)}" for c in computed)
    replace_clause = (
        f" REPLACE ({replaced}, agg._row AS _row)" if computed else " REPLACE (agg._row AS _row)"
    )
    errors = "min(_error_code) AS _error_code, min(_error) AS _error, min(_raw) AS _raw"
    all_columns = ", ".join(ident(c) for c in column_types)
    return f"""
WITH ordered AS (
    SELECT *, row_number() OVER ({window}) AS _seq, count(*) OVER (PARTITION BY ticket_id) AS _n
           {lags}
    FROM {source} WHERE ticket_id IS NOT NULL
),
agg AS (
    SELECT ticket_id, min(_row) AS _row, {errors} {agg_select}
    FROM ordered GROUP BY ticket_id
),
latest AS (
    SELECT ordered.* EXCLUDE (_error_code, _error, _raw)
    FROM ordered WHERE _seq = _n
)
SELECT {all_columns} FROM (
    SELECT latest.*{replace_clause}, agg._error_code, agg._error, agg._raw
    FROM latest JOIN agg USING (ticket_id)
    UNION ALL BY NAME
    SELECT * FROM {source} WHERE ticket_id IS NULL
)
"""

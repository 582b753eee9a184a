# ruff: noqa: E501  (SQL reads better unwrapped)
"""Reference (c) of benchmarks/analytics_bench.py: the core analytics aggregations as
hand-written DuckDB SQL (one enrichment into a temp table, then GROUPING SETS queries).

The SLA lookup and the per-UTC-day business-calendar table are built with the project's own
functions (small metadata tables); everything per ticket is plain SQL.

    python benchmarks/analytics_sql.py --warehouse DIR --start 2024-12-01 --end 2024-12-30
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

import pyarrow as pa
from analytics_pandas import DEFAULTS

from tickets.analytics.business_time import DAY_SECONDS, business_seconds_at, calendar_day_table
from tickets.analytics.sla import resolve_policies
from tickets.data.duck import connect, sql_literal
from tickets.data.warehouse import Warehouse


def b_of(alias: str, seconds: str) -> str:
    """Business seconds at ``seconds`` from the joined day row ``alias``."""
    sod = f"({seconds} - ({seconds} // 86400) * 86400)"
    slots = " + ".join(
        f"greatest(least({sod} - {alias}.slot{k}_start, {alias}.slot{k}_len), 0)" for k in range(3)
    )
    return f"{alias}.cum_before + {slots}"


def hours(a: str, b: str) -> str:
    return f"CASE WHEN {a} - {b} >= 0 THEN ({a} - {b}) / 3600.0 END"


def sla(clock: str, created: str, response: str, resolved: str, now: str) -> str:
    fr, res, el = (
        hours(f"coalesce({response}, {resolved})", created),
        hours(resolved, created),
        hours(now, created),
    )
    fr_met = f"CASE WHEN fr_t IS NULL THEN NULL WHEN {fr} IS NOT NULL THEN {fr} <= fr_t WHEN {el} > fr_t THEN false END"
    res_met = f"CASE WHEN res_t IS NULL THEN NULL WHEN {res} IS NOT NULL THEN {res} <= res_t WHEN {el} > res_t THEN false END"
    return f"""
      {fr_met} AS fr_met_{clock}, {res_met} AS res_met_{clock},
      CASE WHEN ({fr_met}) = false THEN coalesce({fr}, {el}) - fr_t END AS fr_over_{clock},
      CASE WHEN ({res_met}) = false THEN coalesce({res}, {el}) - res_t END AS res_over_{clock}"""


ENRICH = """
CREATE TEMP TABLE enriched AS
WITH base AS (
  SELECT ticket_id, created_at, first_response_at, status, priority, channel, queue, agent_id,
         team, customer_id, satisfaction_score, sla_breach, reopened_count, reply_count,
         CASE WHEN resolved_at IS NOT NULL AND (status IS NULL OR status IN ('resolved', 'closed'))
              THEN resolved_at END AS resolved_at
  FROM {scan}
  WHERE created_at < {hi_ts}
    AND (resolved_at IS NULL OR resolved_at >= {lo_prev_ts} OR status NOT IN ('resolved', 'closed'))
), keyed AS (
  SELECT b.*, epoch_us(created_at) // 1000000 AS created_s,
         epoch_us(first_response_at) // 1000000 AS fr_s, epoch_us(b.resolved_at) // 1000000 AS resolved_s,
         c.segment, coalesce(b.team, a.team) AS team_, p.calendar_id,
         p.first_response_target_hours AS fr_t, p.resolution_target_hours AS res_t, p.snapshot_business_s
  FROM base b
  LEFT JOIN (SELECT customer_id, max(segment) AS segment FROM {customers} GROUP BY 1) c USING (customer_id)
  LEFT JOIN (SELECT agent_id, max(team) AS team FROM {agents} GROUP BY 1) a USING (agent_id)
  LEFT JOIN policy p ON coalesce(b.queue, '') = p.queue_key AND coalesce(b.priority, '') = p.priority_key
), clocked AS (
  SELECT k.*, {b_created} AS created_b, {b_fr} AS fr_b, {b_res} AS resolved_b
  FROM keyed k
  LEFT JOIN days d1 ON d1.calendar_id = k.calendar_id AND d1.day = k.created_s // 86400
  LEFT JOIN days d2 ON d2.calendar_id = k.calendar_id AND d2.day = k.fr_s // 86400
  LEFT JOIN days d3 ON d3.calendar_id = k.calendar_id AND d3.day = k.resolved_s // 86400
)
SELECT * EXCLUDE (team), team_ AS team,
  {h_fr} AS first_response_hours, {h_fr_b} AS first_response_business_hours,
  {h_res} AS resolution_hours, {h_res_b} AS resolution_business_hours,
  {sla_calendar}, {sla_business},
  satisfaction_score >= 4 AS satisfied, coalesce(reopened_count, 0) > 0 AS reopened,
  reply_count = 1 AS one_touch, CAST(created_at AS DATE) AS created_date,
  CAST(resolved_at AS DATE) AS resolved_date
FROM clocked
"""


def met_all(clock: str) -> str:
    return (
        f"CASE WHEN fr_t IS NULL AND res_t IS NULL THEN NULL "
        f"WHEN fr_met_{clock} = false OR res_met_{clock} = false THEN false "
        f"WHEN (fr_t IS NULL OR fr_met_{clock}) AND (res_t IS NULL OR res_met_{clock}) THEN true END"
    )


def pops(lo: int, hi: int) -> dict[str, str]:
    return {
        "rec": f"(created_s >= {lo} AND created_s < {hi})",
        "res": f"(resolved_s >= {lo} AND resolved_s < {hi})",
        "bl": f"(created_s < {hi} AND (resolved_s IS NULL OR resolved_s >= {hi}))",
    }


def headline_sql(lo: int, hi: int) -> str:
    p = pops(lo, hi)
    return f"""SELECT count(*) FILTER ({p["rec"]}) AS received, count(*) FILTER ({p["res"]}) AS resolved,
      count(*) FILTER ({p["bl"]}) AS backlog,
      quantile_cont(first_response_hours, 0.5) FILTER ({p["rec"]}) AS first_response_median_hours,
      quantile_cont(first_response_business_hours, 0.5) FILTER ({p["rec"]}) AS first_response_median_business_hours,
      quantile_cont(resolution_hours, [0.5, 0.9]) FILTER ({p["res"]}) AS res_q,
      avg(resolution_hours) FILTER ({p["res"]}) AS resolution_mean_hours,
      quantile_cont(resolution_business_hours, [0.5, 0.9]) FILTER ({p["res"]}) AS res_b_q,
      100 * avg(met_business::DOUBLE) FILTER ({p["rec"]}) AS sla_met_pct,
      100 * avg(fr_met_business::DOUBLE) FILTER ({p["rec"]}) AS sla_first_response_met_pct,
      100 * avg(res_met_business::DOUBLE) FILTER ({p["rec"]}) AS sla_resolution_met_pct,
      100 * avg(CASE WHEN sla_breach IS NOT NULL AND met_business IS NOT NULL
                     THEN (sla_breach = NOT met_business)::DOUBLE END) FILTER ({p["rec"]}) AS sla_source_agreement_pct,
      avg(satisfaction_score) FILTER ({p["res"]}) AS csat_mean,
      100 * avg(satisfied::DOUBLE) FILTER ({p["res"]}) AS csat_satisfied_pct,
      100 * avg((satisfaction_score IS NOT NULL)::DOUBLE) FILTER ({p["res"]}) AS csat_response_rate,
      100 * avg(reopened::DOUBLE) FILTER ({p["res"]}) AS reopen_rate,
      100 * avg(one_touch::DOUBLE) FILTER ({p["res"]}) AS one_touch_rate
    FROM facts"""


def grouped_sql(dims: list[str], select: str, lo: int, hi: int) -> str:
    p = pops(lo, hi)
    sets = ", ".join(["()"] + [f"({d})" for d in dims])
    label = " ".join(f"WHEN grouping({d}) = 0 THEN '{d}'" for d in dims)
    value = (
        "coalesce("
        + ", ".join(f"CASE WHEN grouping({d}) = 0 THEN coalesce({d}, '(none)') END" for d in dims)
        + ", 'all')"
    )
    body = select.format(**p)
    return (
        f"SELECT CASE {label} ELSE 'overall' END AS dimension, {value} AS value, {body} FROM facts "
        f"WHERE {p['rec']} OR {p['res']} OR {p['bl']} GROUP BY GROUPING SETS ({sets})"
    )


RESOLUTION = """count(resolution_hours) FILTER ({res}) AS tickets,
  quantile_cont(resolution_hours, [0.1, 0.25, 0.5, 0.75, 0.9]) FILTER ({res}) AS q,
  avg(resolution_hours) FILTER ({res}) AS mean_hours,
  quantile_cont(resolution_business_hours, [0.1, 0.25, 0.5, 0.75, 0.9]) FILTER ({res}) AS qb,
  avg(resolution_business_hours) FILTER ({res}) AS mean_business_hours,
  count(first_response_hours) FILTER ({rec}) AS fr_tickets,
  quantile_cont(first_response_hours, [0.5, 0.9]) FILTER ({rec}) AS fq,
  avg(first_response_hours) FILTER ({rec}) AS fr_mean,
  quantile_cont(first_response_business_hours, [0.5, 0.9]) FILTER ({rec}) AS fqb,
  avg(first_response_business_hours) FILTER ({rec}) AS fr_mean_b"""
SLA = ", ".join(
    f"""count(*) FILTER ({{rec}}) AS tickets_{c}, count(met_{c}) FILTER ({{rec}}) AS measured_{c},
  100 * avg(met_{c}::DOUBLE) FILTER ({{rec}}) AS met_pct_{c},
  100 * avg(fr_met_{c}::DOUBLE) FILTER ({{rec}}) AS fr_pct_{c},
  100 * avg(res_met_{c}::DOUBLE) FILTER ({{rec}}) AS res_pct_{c},
  avg(fr_over_{c}) FILTER ({{rec}}) AS fr_over_{c}, avg(res_over_{c}) FILTER ({{rec}}) AS res_over_{c},
  100 * avg(CASE WHEN sla_breach IS NOT NULL AND met_{c} IS NOT NULL
                 THEN (sla_breach = NOT met_{c})::DOUBLE END) FILTER ({{rec}}) AS agree_{c}"""
    for c in ("calendar", "business")
)
CSAT = """count(*) FILTER ({res}) AS resolved, count(satisfaction_score) FILTER ({res}) AS responses,
  avg(satisfaction_score) FILTER ({res}) AS mean_score, 100 * avg(satisfied::DOUBLE) FILTER ({res}) AS satisfied_pct"""
AGENTS = """SELECT agent_id, max(team) AS team, count(*) FILTER ({rec} OR {res}) AS handled,
  count(*) FILTER ({res}) AS resolved, quantile_cont(resolution_hours, 0.5) FILTER ({res}) AS median_h,
  quantile_cont(resolution_business_hours, 0.5) FILTER ({res}) AS median_bh,
  100 * avg(met_business::DOUBLE) FILTER ({rec}) AS sla, avg(satisfaction_score) FILTER ({res}) AS csat,
  100 * avg(reopened::DOUBLE) FILTER ({res}) AS reopen, 100 * avg(one_touch::DOUBLE) FILTER ({res}) AS one_touch,
  count(*) FILTER ({bl}) AS backlog
FROM facts WHERE agent_id IS NOT NULL AND ({rec} OR {res} OR {bl}) GROUP BY agent_id"""


def run(warehouse: Warehouse, start: dt.date, end: dt.date) -> dict:
    started = time.perf_counter()
    con = connect()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=dt.UTC)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    lo_prev = lo - (hi - lo)
    scan = warehouse.tickets_scan_sql()
    first, snapshot = con.execute(
        f"SELECT min(created_at), greatest(max(created_at), max(first_response_at), max(resolved_at), "
        f"max(closed_at), max(updated_at)) FROM {scan}"
    ).fetchone()
    combos = con.execute(f"SELECT DISTINCT queue, priority FROM {scan}").fetchall()
    policies = resolve_policies(warehouse.read_dimension("sla_policies"), DEFAULTS, combos)
    snap_s = int(snapshot.timestamp())
    days = calendar_day_table(
        policies.calendars, int(first.timestamp()) // DAY_SECONDS - 1, snap_s // DAY_SECONDS + 1
    )
    ids = policies.lookup.column("calendar_id").to_pylist()
    snapshot_b = pa.array([business_seconds_at(days, c, snap_s) for c in ids], pa.int64())
    policy = policies.lookup.append_column("snapshot_business_s", snapshot_b)
    timings = {"profile and calendars": time.perf_counter() - started}
    con.register("days", days)
    con.register("policy", policy)
    ts = lambda d: f"TIMESTAMPTZ '{d.isoformat()}'"  # noqa: E731
    con.execute(
        ENRICH.format(
            scan=scan,
            hi_ts=ts(hi),
            lo_prev_ts=ts(lo_prev),
            customers=f"read_parquet({sql_literal(str(warehouse.dimension_path('customers')))})",
            agents=f"read_parquet({sql_literal(str(warehouse.dimension_path('agents')))})",
            b_created=b_of("d1", "k.created_s"),
            b_fr=b_of("d2", "k.fr_s"),
            b_res=b_of("d3", "k.resolved_s"),
            h_fr=hours("fr_s", "created_s"),
            h_fr_b=hours("fr_b", "created_b"),
            h_res=hours("resolved_s", "created_s"),
            h_res_b=hours("resolved_b", "created_b"),
            sla_calendar=sla("calendar", "created_s", "fr_s", "resolved_s", str(snap_s)),
            sla_business=sla("business", "created_b", "fr_b", "resolved_b", "snapshot_business_s"),
        )
    )
    con.execute(
        f"CREATE TEMP VIEW facts AS SELECT *, {met_all('calendar')} AS met_calendar, "
        f"{met_all('business')} AS met_business FROM enriched"
    )
    lo_s, hi_s, prev_s = int(lo.timestamp()), int(hi.timestamp()), int(lo_prev.timestamp())
    p = pops(lo_s, hi_s)
    out = {}
    for name, (a, b) in {"headline": (lo_s, hi_s), "previous": (prev_s, lo_s)}.items():
        row = con.execute(headline_sql(a, b)).fetch_df().iloc[0].to_dict()
        row["resolution_median_hours"], row["resolution_p90_hours"] = row.pop("res_q")
        row["resolution_median_business_hours"], row["resolution_p90_business_hours"] = row.pop(
            "res_b_q"
        )
        out[name] = row
    timings["headline"] = time.perf_counter() - started - sum(timings.values())
    tables = {
        "volume": f"SELECT created_date AS day, count(*) FROM facts WHERE {p['rec']} GROUP BY 1 UNION ALL "
        f"SELECT resolved_date, count(*) FROM facts WHERE {p['res']} GROUP BY 1",
        "backlog_start": f"SELECT count(*) FROM facts WHERE {pops(prev_s, lo_s)['bl']}",
        "resolution": grouped_sql(
            ["priority", "queue", "channel", "team", "segment"], RESOLUTION, lo_s, hi_s
        ),
        "sla": grouped_sql(["agent_id", "team", "queue", "priority"], SLA, lo_s, hi_s),
        "csat": grouped_sql(["agent_id", "queue", "channel"], CSAT, lo_s, hi_s),
        "agents": AGENTS.format(**p),
    }
    out["rows"] = {}
    for name, sql in tables.items():
        out["rows"][name] = len(con.execute(sql).fetch_df())
        timings[name] = time.perf_counter() - started - sum(timings.values())
    out["timings"] = {k: round(v, 3) for k, v in timings.items()}
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", required=True)
    parser.add_argument("--start", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--end", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--out", help="write the headline numbers here (JSON)")
    args = parser.parse_args(argv)
    result = run(Warehouse.at(args.warehouse), args.start, args.end)
    text = json.dumps(result, default=float, indent=1)
    if args.out:
        Path(args.out).write_text(text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

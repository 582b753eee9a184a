"""Reference (b) of benchmarks/analytics_bench.py: the analytics metric set in idiomatic pandas.

Reads the needed ticket columns into pandas, enriches them (joins, business time with numpy
``searchsorted`` over each calendar's working intervals, SLA outcomes) and computes the same
tables as ``python main.py analytics``: headline numbers for the window and the previous one,
daily volume, resolution time, SLA compliance (both clocks), CSAT and agent performance.
Calendars and SLA targets are resolved with the project's own policy rules (metadata only).

    python benchmarks/analytics_pandas.py --warehouse DIR --start 2024-12-01 --end 2024-12-30
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from tickets.analytics.business_time import BusinessCalendar, working_intervals
from tickets.analytics.settings import SlaSettings, SlaTarget
from tickets.analytics.sla import resolve_policies
from tickets.data.warehouse import Warehouse

COLUMNS = [
    "ticket_id",
    "created_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "updated_at",
    "status",
    "priority",
    "channel",
    "queue",
    "agent_id",
    "team",
    "customer_id",
    "satisfaction_score",
    "sla_breach",
    "reopened_count",
    "reply_count",
]
DEFAULTS = SlaSettings(
    "business",
    BusinessCalendar("UTC", (1, 2, 3, 4, 5), "09:00", "17:00"),
    {
        "critical": SlaTarget(1, 8),
        "high": SlaTarget(4, 24),
        "medium": SlaTarget(8, 72),
        "low": SlaTarget(24, 120),
    },
)


def seconds(column: pd.Series) -> pd.Series:
    """Whole epoch seconds (NaN for missing), like the pipeline's floor(micros / 1e6)."""
    return (column - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds() // 1


def business_clock(frame: pd.DataFrame, calendars: list, first: dt.date, last: dt.date) -> dict:
    """B(t) columns: working seconds since the first interval, per ticket calendar."""
    out = {
        name: pd.Series(np.nan, index=frame.index) for name in ("created", "fr", "resolved", "now")
    }
    for cid, calendar in enumerate(calendars):
        intervals = working_intervals(calendar, first, last)
        starts, ends = intervals[:, 0], intervals[:, 1]
        cum = np.concatenate([[0], np.cumsum(ends - starts)])
        rows = frame["calendar_id"].to_numpy() == cid
        for name, column in (
            ("created", "created_s"),
            ("fr", "first_response_s"),
            ("resolved", "resolved_s"),
            ("now", "snapshot_s"),
        ):
            t = frame.loc[rows, column].to_numpy(dtype="float64")
            i = np.clip(np.searchsorted(starts, t, side="right") - 1, 0, len(starts) - 1)
            b = cum[i] + np.clip(t - starts[i], 0, ends[i] - starts[i])
            out[name].loc[rows] = np.where(np.isnan(t), np.nan, b)
    return out


def sla_outcome(duration, elapsed, target):  # type: ignore[no-untyped-def]
    met = pd.Series(
        np.where(duration.notna(), duration <= target, np.where(elapsed > target, False, np.nan))
    )
    met[target.isna().to_numpy()] = np.nan
    over = np.where(met == 0, duration.fillna(elapsed) - target, np.nan)
    return met, pd.Series(over)


def enrich(warehouse: Warehouse, lo_prev: pd.Timestamp, hi: pd.Timestamp) -> pd.DataFrame:
    t = pd.read_parquet(warehouse.tickets_dir, columns=COLUMNS)
    snapshot = (
        t[["created_at", "first_response_at", "resolved_at", "closed_at", "updated_at"]].max().max()
    )
    first_day = t["created_at"].min().date()
    combos = list(t[["queue", "priority"]].drop_duplicates().itertuples(index=False, name=None))
    resolved_ok = t["resolved_at"].notna() & (
        t["status"].isna() | t["status"].isin(["resolved", "closed"])
    )
    t["resolved_at"] = t["resolved_at"].where(resolved_ok)
    t = t[(t["created_at"] < hi) & (t["resolved_at"].isna() | (t["resolved_at"] >= lo_prev))].copy()
    customers = pd.read_parquet(
        warehouse.dimension_path("customers"), columns=["customer_id", "segment"]
    )
    agents = pd.read_parquet(warehouse.dimension_path("agents"), columns=["agent_id", "team"])
    t = t.merge(customers.drop_duplicates("customer_id"), on="customer_id", how="left")
    t = t.merge(
        agents.drop_duplicates("agent_id").rename(columns={"team": "agent_team"}),
        on="agent_id",
        how="left",
    )
    t["team"] = t["team"].fillna(t.pop("agent_team"))
    policies = resolve_policies(
        warehouse.read_dimension("sla_policies"),
        DEFAULTS,
        [(q if q == q else None, p if p == p else None) for q, p in combos],
    )
    lookup = policies.lookup.to_pandas()
    t["queue_key"], t["priority_key"] = t["queue"].fillna(""), t["priority"].fillna("")
    t = t.merge(lookup, on=["queue_key", "priority_key"], how="left")
    for name, column in (
        ("created_s", "created_at"),
        ("first_response_s", "first_response_at"),
        ("resolved_s", "resolved_at"),
    ):
        t[name] = seconds(t[column])
    t["snapshot_s"] = float(int(snapshot.timestamp()))
    b = business_clock(
        t,
        policies.calendars,
        first_day - dt.timedelta(days=2),
        snapshot.date() + dt.timedelta(days=2),
    )
    hours = {
        "calendar": (t["created_s"], t["first_response_s"], t["resolved_s"], t["snapshot_s"]),
        "business": (b["created"], b["fr"], b["resolved"], b["now"]),
    }
    for clock, (created, fr, res, now) in hours.items():
        suffix = "" if clock == "calendar" else "_business"
        fr_h, res_h = (fr - created) / 3600, (res - created) / 3600
        t[f"first_response{suffix}_hours"] = fr_h.where(fr_h >= 0)
        t[f"resolution{suffix}_hours"] = res_h.where(res_h >= 0)
        response = fr.fillna(res)
        elapsed = (now - created) / 3600
        fr_met, fr_over = sla_outcome(
            (response - created) / 3600, elapsed, t["first_response_target_hours"]
        )
        res_met, res_over = sla_outcome(res_h, elapsed, t["resolution_target_hours"])
        fr_met.index = res_met.index = fr_over.index = res_over.index = t.index
        breach = (fr_met == 0) | (res_met == 0)
        ok = (t["first_response_target_hours"].isna() | (fr_met == 1)) & (
            t["resolution_target_hours"].isna() | (res_met == 1)
        )
        applicable = t["first_response_target_hours"].notna() | t["resolution_target_hours"].notna()
        met = pd.Series(
            np.select([~applicable, breach, ok], [np.nan, 0.0, 1.0], np.nan), index=t.index
        )
        t[f"sla_met_{clock}"], t[f"fr_met_{clock}"], t[f"res_met_{clock}"] = met, fr_met, res_met
        t[f"fr_over_{clock}"], t[f"res_over_{clock}"] = fr_over, res_over
        flag = t["sla_breach"].astype("float")
        t[f"agrees_{clock}"] = np.where(
            flag.notna() & met.notna(), (flag == 1 - met).astype(float), np.nan
        )
    t["rated"] = t["satisfaction_score"].notna().astype(float)
    t["satisfied"] = np.where(
        t["satisfaction_score"].notna(), (t["satisfaction_score"] >= 4).astype(float), np.nan
    )
    t["reopened"] = (t["reopened_count"].fillna(0) > 0).astype(float)
    t["one_touch"] = np.where(
        t["reply_count"].notna(), (t["reply_count"] == 1).astype(float), np.nan
    )
    t["created_date"] = t["created_at"].dt.date
    t["resolved_date"] = t["resolved_at"].dt.date
    return t


def populations(t: pd.DataFrame, lo: float, hi: float) -> dict[str, pd.Series]:
    received = (t["created_s"] >= lo) & (t["created_s"] < hi)
    resolved = (t["resolved_s"] >= lo) & (t["resolved_s"] < hi)
    backlog = (t["created_s"] < hi) & (t["resolved_s"].isna() | (t["resolved_s"] >= hi))
    return {
        "received": received,
        "resolved": resolved,
        "backlog": backlog,
        "handled": received | resolved,
        "active": received | resolved | backlog,
    }


def headline(t: pd.DataFrame, lo: float, hi: float) -> dict[str, float]:
    p = populations(t, lo, hi)
    rec, res = t[p["received"]], t[p["resolved"]]
    return {
        "received": int(p["received"].sum()),
        "resolved": int(p["resolved"].sum()),
        "backlog": int(p["backlog"].sum()),
        "first_response_median_hours": rec["first_response_hours"].median(),
        "first_response_median_business_hours": rec["first_response_business_hours"].median(),
        "resolution_median_hours": res["resolution_hours"].median(),
        "resolution_p90_hours": res["resolution_hours"].quantile(0.9),
        "resolution_mean_hours": res["resolution_hours"].mean(),
        "resolution_median_business_hours": res["resolution_business_hours"].median(),
        "resolution_p90_business_hours": res["resolution_business_hours"].quantile(0.9),
        "sla_met_pct": 100 * rec["sla_met_business"].mean(),
        "sla_first_response_met_pct": 100 * rec["fr_met_business"].mean(),
        "sla_resolution_met_pct": 100 * rec["res_met_business"].mean(),
        "sla_source_agreement_pct": 100 * rec["agrees_business"].mean(),
        "csat_mean": res["satisfaction_score"].mean(),
        "csat_satisfied_pct": 100 * res["satisfied"].mean(),
        "csat_response_rate": 100 * res["rated"].mean(),
        "reopen_rate": 100 * res["reopened"].mean(),
        "one_touch_rate": 100 * res["one_touch"].mean(),
    }


LEVELS = [0.1, 0.25, 0.5, 0.75, 0.9]


def by_dimension(t: pd.DataFrame, p: dict, dims: list[str], make) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    active = t[p["active"]]
    parts = []
    for dim in dims:
        keys = (
            pd.Series("all", index=active.index)
            if dim == "overall"
            else active[dim].fillna("(none)")
        )
        frame = make(active, keys, {k: v[p["active"]] for k, v in p.items()})
        parts.append(frame.assign(dimension=dim).reset_index(names="value"))
    return pd.concat(parts, ignore_index=True)


def resolution_table(active, keys, p) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    out = {}
    for column, pop in (
        ("resolution_hours", "resolved"),
        ("resolution_business_hours", "resolved"),
        ("first_response_hours", "received"),
        ("first_response_business_hours", "received"),
    ):
        grouped = active[column].where(p[pop]).groupby(keys)
        q = grouped.quantile(LEVELS).unstack()
        for level in LEVELS:
            out[f"{column}_q{level}"] = q[level]
        out[f"{column}_mean"], out[f"{column}_n"] = grouped.mean(), grouped.count()
    return pd.DataFrame(out)


def sla_table(active, keys, p) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    frames = []
    for clock in ("calendar", "business"):
        rec = active.where(p["received"])
        g = rec.groupby(keys)
        frame = pd.DataFrame(
            {
                "tickets": p["received"].groupby(keys).sum(),
                "measured": g[f"sla_met_{clock}"].count(),
                "met_pct": 100 * g[f"sla_met_{clock}"].mean(),
                "fr_pct": 100 * g[f"fr_met_{clock}"].mean(),
                "res_pct": 100 * g[f"res_met_{clock}"].mean(),
                "fr_over": g[f"fr_over_{clock}"].mean(),
                "res_over": g[f"res_over_{clock}"].mean(),
                "agree": 100 * g[f"agrees_{clock}"].mean(),
            }
        )
        frames.append(frame.assign(clock=clock))
    return pd.concat(frames)


def csat_table(active, keys, p) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    res = active.where(p["resolved"])
    g = res.groupby(keys)
    return pd.DataFrame(
        {
            "resolved": p["resolved"].groupby(keys).sum(),
            "responses": g["rated"].sum(),
            "mean": g["satisfaction_score"].mean(),
            "satisfied": 100 * g["satisfied"].mean(),
        }
    )


def agents_table(t: pd.DataFrame, p: dict) -> pd.DataFrame:
    active = t[p["active"] & t["agent_id"].notna()]
    q = {k: v[active.index] for k, v in p.items()}
    g = lambda pop: active.where(q[pop]).groupby(active["agent_id"])  # noqa: E731
    frame = pd.DataFrame(
        {
            "handled": q["handled"].groupby(active["agent_id"]).sum(),
            "resolved": q["resolved"].groupby(active["agent_id"]).sum(),
            "median_h": g("resolved")["resolution_hours"].median(),
            "median_bh": g("resolved")["resolution_business_hours"].median(),
            "sla": 100 * g("received")["sla_met_business"].mean(),
            "csat": g("resolved")["satisfaction_score"].mean(),
            "reopen": 100 * g("resolved")["reopened"].mean(),
            "one_touch": 100 * g("resolved")["one_touch"].mean(),
            "backlog": q["backlog"].groupby(active["agent_id"]).sum(),
            "team": active.groupby("agent_id")["team"].max(),
        }
    )
    frame = frame.sort_values(["team", "resolved", "median_h"], ascending=[True, False, True])
    frame["rank"] = frame.groupby("team").cumcount() + 1
    return frame


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", required=True)
    parser.add_argument("--start", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--end", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--out", help="write the headline numbers here (JSON)")
    args = parser.parse_args(argv)
    lo = pd.Timestamp(args.start, tz="UTC")
    hi = pd.Timestamp(args.end + dt.timedelta(days=1), tz="UTC")
    lo_prev = lo - (hi - lo)
    t = enrich(Warehouse.at(args.warehouse), lo_prev, hi)
    lo_s, hi_s, prev_s = lo.timestamp(), hi.timestamp(), lo_prev.timestamp()
    p = populations(t, lo_s, hi_s)
    result = {"headline": headline(t, lo_s, hi_s), "previous": headline(t, prev_s, lo_s)}
    volume = pd.concat(
        [
            t[p["received"]].groupby("created_date").size().rename("received"),
            t[p["resolved"]].groupby("resolved_date").size().rename("resolved"),
        ],
        axis=1,
    )
    tables = {
        "volume": volume,
        "resolution": by_dimension(
            t, p, ["overall", "priority", "queue", "channel", "team", "segment"], resolution_table
        ),
        "sla": by_dimension(t, p, ["overall", "agent_id", "team", "queue", "priority"], sla_table),
        "csat": by_dimension(t, p, ["overall", "agent_id", "queue", "channel"], csat_table),
        "agents": agents_table(t, p),
    }
    result["rows"] = {name: len(frame) for name, frame in tables.items()}
    text = json.dumps(result, default=float, indent=1)
    if args.out:
        Path(args.out).write_text(text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

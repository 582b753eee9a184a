"""Daily sentiment and CSAT sums per queue, product and overall, aggregated in DuckDB.

Each row carries n, sum and sum of squares, so means and ticket-level variances of any span of
days can be computed exactly from the daily rows.

CSAT is adjusted for service times and reopens (a least-squares fit over all rated tickets,
csat ~ log(1 + resolution hours) + log(1 + first response hours) + reopened_count, centred on
the averages): a holiday backlog,
or the fast tickets that are the only rated ones near the end of the data, then do not look
like a change of mood. The adjusted score keeps the CSAT scale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from tickets.anomaly.sentiment_cache import SentimentCache, hash_expression
from tickets.anomaly.series import OVERALL, day_offsets, fetch_row, time_filter
from tickets.data.duck import sql_literal

METRICS = ("vader", "csat")


def daily_sentiment(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    cache: SentimentCache | None,
    families: tuple[str, ...],
    timezone: str,
    csat_sql: str = "satisfaction_score",
    lo: dt.datetime | None = None,
    hi: dt.datetime | None = None,
) -> pd.DataFrame:
    """Rows: family, value, day, metric, n, total, total_sq (VADER needs ``cache``; CSAT is
    ``csat_sql``, e.g. from ``csat_adjusted_sql``)."""
    tz = sql_literal(timezone)
    csat = csat_sql
    sets = ", ".join(["(day)"] + [f"(day, {f})" for f in families])
    grouping = "".join(f", grouping({f}) AS g_{f}, CAST({f} AS VARCHAR) AS v_{f}" for f in families)
    if cache is not None:
        joined = (
            f"(SELECT s.*, c.compound FROM (SELECT *, {hash_expression(cache.text_chars)} AS "
            f"_hash FROM {source_sql}) s LEFT JOIN {cache.scan_sql()} c "
            "ON s.ticket_id = c.ticket_id AND s._hash = c.text_hash)"
        )
    else:
        joined = f"(SELECT *, CAST(NULL AS DOUBLE) AS compound FROM {source_sql})"
    frame = con.execute(
        f"""
        SELECT CAST(created_at AT TIME ZONE {tz} AS DATE) AS day{grouping},
          count(compound) AS vader_n, sum(compound) AS vader_total,
          sum(compound * compound) AS vader_total_sq,
          count({csat}) AS csat_n, sum({csat}) AS csat_total,
          sum(({csat}) * ({csat})) AS csat_total_sq
        FROM {joined} WHERE created_at IS NOT NULL AND {time_filter("created_at", lo, hi)}
        GROUP BY GROUPING SETS ({sets})
        """
    ).df()
    return _long(frame, families)


_COVARIATES = {
    "resolution": "ln(1 + greatest(epoch(resolved_at - created_at), 0) / 3600.0)",
    "first_response": "ln(1 + greatest(epoch(first_response_at - created_at), 0) / 3600.0)",
    "reopens": "CAST(reopened_count AS DOUBLE)",
}


def csat_adjusted_sql(con: duckdb.DuckDBPyConnection, source_sql: str) -> str:
    """SQL for the adjusted CSAT of a ticket (plain satisfaction_score if no fit is possible).

    Covariates missing on a ticket count as their average (no adjustment for them)."""
    names = list(_COVARIATES)
    xs = ", ".join(f"{expr} AS {name}" for name, expr in _COVARIATES.items())
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i:]] + [(a, "y") for a in names]
    stats_sql = ", ".join([f"avg({n})" for n in names] + [f"covar_pop({a}, {b})" for a, b in pairs])
    row = fetch_row(
        con,
        f"SELECT count(*), {stats_sql} FROM (SELECT satisfaction_score AS y, {xs} "
        f"FROM {source_sql} WHERE satisfaction_score IS NOT NULL AND resolved_at IS NOT NULL "
        "AND first_response_at IS NOT NULL AND created_at IS NOT NULL)",
    )
    if row is None or not row[0] or row[0] < 50:
        return "satisfaction_score"
    values = [float(v or 0.0) for v in row[1:]]
    means, cov_values = values[: len(names)], dict(zip(pairs, values[len(names) :], strict=True))
    k = len(names)
    cov = np.array(
        [[cov_values.get((a, b), cov_values.get((b, a), 0.0)) for b in names] for a in names]
    )
    target = np.array([cov_values[(a, "y")] for a in names])
    if abs(np.linalg.det(cov)) < 1e-12 or k == 0:
        return "satisfaction_score"
    coef = np.linalg.solve(cov, target)
    terms = " ".join(
        f"- ({float(b)!r}) * (coalesce({_COVARIATES[n]}, {m!r}) - {m!r})"
        for n, b, m in zip(names, coef, means, strict=True)
    )
    return f"(satisfaction_score {terms})"


def _long(frame: pd.DataFrame, families: tuple[str, ...]) -> pd.DataFrame:
    columns = ["family", "value", "day", "metric", "n", "total", "total_sq"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    parts = []
    grouped = np.zeros(len(frame), dtype=bool)
    for f in families:
        mine = (frame[f"g_{f}"] == 0).to_numpy()
        grouped |= mine
        rows = frame[mine & frame[f"v_{f}"].notna().to_numpy()]
        parts.append(rows.assign(family=f, value=rows[f"v_{f}"]))
    parts.append(frame[~grouped].assign(family=OVERALL[0], value=OVERALL[1]))
    wide = pd.concat(parts, ignore_index=True)
    out = []
    for metric in METRICS:
        sub = wide[
            ["family", "value", "day", f"{metric}_n", f"{metric}_total", f"{metric}_total_sq"]
        ]
        sub = sub.set_axis(["family", "value", "day", "n", "total", "total_sq"], axis=1)
        out.append(sub[sub["n"] > 0].assign(metric=metric))
    return pd.concat(out, ignore_index=True)[columns]


@dataclass(frozen=True)
class MeanSeries:
    """Daily sums of one metric for one series, on a consecutive day axis."""

    family: str
    value: str
    metric: str
    n: np.ndarray
    total: np.ndarray
    total_sq: np.ndarray

    def mean(self, min_n: int) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.n >= max(min_n, 1), self.total / self.n, np.nan)

    def span(self, mask: np.ndarray) -> tuple[float, float, float]:
        """Tickets, mean and ticket-level variance over the days in ``mask``."""
        n = float(self.n[mask].sum())
        if n == 0:
            return 0.0, float("nan"), float("nan")
        mean = float(self.total[mask].sum()) / n
        var = max(float(self.total_sq[mask].sum()) / n - mean**2, 0.0)
        return n, mean, var


def mean_series(rows: pd.DataFrame, days: list[dt.date]) -> list[MeanSeries]:
    out = []
    for (family, value, metric), group in rows.groupby(["family", "value", "metric"], sort=True):
        arrays = {k: np.zeros(len(days)) for k in ("n", "total", "total_sq")}
        col = day_offsets(group["day"], days)
        ok = (col >= 0) & (col < len(days))
        for key, target in arrays.items():
            np.add.at(target, col[ok], group[key].to_numpy(dtype=float)[ok])
        out.append(MeanSeries(str(family), str(value), str(metric), **arrays))
    return out

"""Details that need the tickets again (small DuckDB queries, one per anomaly):

- example ticket ids (for sentiment drops the most negative texts);
- for volume spikes, the dimension value that carries most of the extra tickets;
- volume spikes that a rising topic or a product launch explains are folded into the topic (or
  noted as launch traffic) instead of being reported twice.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from tickets.anomaly.consolidate import CoOccurrence
from tickets.anomaly.records import Anomaly
from tickets.anomaly.sentiment_cache import SentimentCache, hash_expression
from tickets.anomaly.series import fetch_row, time_filter
from tickets.anomaly.topics import Topic
from tickets.data.duck import sql_literal

EXPLAINED_SHARE = 0.5


def series_filter(dimension: str, value: str) -> str:
    if dimension == "overall":
        return "TRUE"
    return f"CAST({dimension} AS VARCHAR) = {sql_literal(value)}"


def example_tickets(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    anomaly: Anomaly,
    limit: int,
    cache: SentimentCache | None = None,
) -> list[str]:
    inside = time_filter("created_at", anomaly.start, anomaly.end)
    where = f"{series_filter(anomaly.dimension, anomaly.value)} AND {inside}"
    if anomaly.type == "sentiment_drop" and cache is not None:
        query = (
            f"SELECT s.ticket_id FROM (SELECT ticket_id, {hash_expression(cache.text_chars)} AS h "
            f"FROM {source_sql} WHERE {where}) s JOIN {cache.scan_sql()} c "
            "ON s.ticket_id = c.ticket_id AND s.h = c.text_hash ORDER BY c.compound, s.ticket_id "
            f"LIMIT {int(limit)}"
        )
    else:
        query = (
            f"SELECT ticket_id FROM {source_sql} WHERE {where} "
            f"ORDER BY hash(ticket_id) LIMIT {int(limit)}"
        )
    return [str(r[0]) for r in con.execute(query).fetchall()]


def spike_breakdown(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    anomaly: Anomaly,
    families: list[str],
    baseline_days: int,
) -> dict[str, object] | None:
    """The (dimension, value) holding the largest share of the spike's extra tickets."""
    others = [f for f in families if f not in ("overall", anomaly.dimension)]
    if not others:
        return None
    base_lo = anomaly.start - dt.timedelta(days=baseline_days)
    sets = ", ".join(f"({f})" for f in others)
    cols = ", ".join(f"grouping({f}) AS g_{f}, CAST({f} AS VARCHAR) AS v_{f}" for f in others)
    in_window = time_filter("created_at", anomaly.start, anomaly.end)
    frame = con.execute(
        f"SELECT {cols}, count(*) FILTER (WHERE {in_window}) AS now, "
        f"count(*) FILTER (WHERE NOT ({in_window})) AS before FROM {source_sql} "
        f"WHERE {series_filter(anomaly.dimension, anomaly.value)} AND "
        f"{time_filter('created_at', base_lo, anomaly.end)} GROUP BY GROUPING SETS ({sets})"
    ).df()
    excess_total = anomaly.details.get("excess", 0.0)
    best: dict[str, object] | None = None
    for f in others:
        rows = frame[(frame[f"g_{f}"] == 0) & frame[f"v_{f}"].notna()]
        if rows.empty or rows["before"].sum() == 0 or not excess_total:
            continue
        expected_now = (
            rows["before"] / rows["before"].sum() * (rows["now"].sum() - float(excess_total))
        )
        extra = rows["now"] - expected_now
        top = int(extra.to_numpy().argmax())
        share = float(extra.iloc[top]) / float(excess_total)
        if best is None or share > float(best["share"]):  # type: ignore[arg-type]
            best = {
                "dimension": f,
                "value": str(rows[f"v_{f}"].iloc[top]),
                "share": round(min(share, 1.0), 3),
            }
    return best if best and float(best["share"]) >= 0.3 else None  # type: ignore[arg-type]


def count_in_series(
    con: duckdb.DuckDBPyConnection, source_sql: str, anomaly: Anomaly, extra_where: str
) -> int:
    row = fetch_row(
        con,
        f"SELECT count(*) FROM {source_sql} "
        f"WHERE {series_filter(anomaly.dimension, anomaly.value)} "
        f"AND {time_filter('created_at', anomaly.start, anomaly.end)} AND {extra_where}",
    )
    return int(row[0]) if row else 0


def joint_excess_counter(
    con: duckdb.DuckDBPyConnection, source_sql: str, cooccurrence: CoOccurrence
):  # type: ignore[no-untyped-def]
    """f(host, candidate): the host series' tickets inside the candidate's series and window,
    minus what the candidate usually holds of them (volume anomalies only; 0 otherwise)."""

    def joint_excess(host: Anomaly, candidate: Anomaly) -> float:
        if not candidate.type.startswith("volume") or host.dimension == "overall":
            return 0.0
        both = count_in_series(
            con, source_sql, candidate, series_filter(host.dimension, host.value)
        )
        usual = (
            cooccurrence.share((candidate.dimension, candidate.value), (host.dimension, host.value))
            * candidate.expected
            * (candidate.days if candidate.grain == "day" else candidate.days * 24)
        )
        return both - usual

    return joint_excess


def fold_into_topics(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    volume: list[Anomaly],
    topics: dict[str, tuple[Anomaly, Topic]],
) -> list[Anomaly]:
    """Volume spikes whose extra tickets are mostly a rising topic's become that topic's
    ``details.volume_effect``; the rest are returned."""
    kept = []
    for spike in volume:
        host = None
        if spike.type == "volume_spike":
            host = _topic_explaining(con, source_sql, spike, topics)
        if host is None:
            kept.append(spike)
            continue
        host.details.setdefault("volume_effect", []).append(
            {"dimension": spike.dimension, "value": spike.value,
             "observed": round(spike.observed, 2), "expected": round(spike.expected, 2),
             "start": spike.local_start.isoformat() if spike.local_start else None}
        )  # fmt: skip
    return kept


def _topic_explaining(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    spike: Anomaly,
    topics: dict[str, tuple[Anomaly, Topic]],
) -> Anomaly | None:
    excess = float(spike.details.get("excess", 0.0))
    for anomaly, topic in topics.values():
        if not anomaly.overlaps(spike) or excess <= 0:
            continue
        con.register("_topic_ids", topic.tickets[["ticket_id"]].astype(str))
        try:
            inside = count_in_series(
                con, source_sql, spike, "ticket_id IN (SELECT ticket_id FROM _topic_ids)"
            )
        finally:
            con.unregister("_topic_ids")
        if inside >= EXPLAINED_SHARE * excess:
            return anomaly
    return None


def launch_traffic(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    spike: Anomaly,
    launches: dict[str, dt.date],
    grace_days: int,
) -> str | None:
    """The recently launched product whose tickets make up most of the spike's excess."""
    excess = float(spike.details.get("excess", 0.0))
    if spike.type != "volume_spike" or excess <= 0 or spike.local_start is None:
        return None
    for product, launched in launches.items():
        if not launched <= spike.local_start <= launched + dt.timedelta(days=grace_days):
            continue
        if spike.dimension == "product" and spike.value == product:
            return product
        inside = count_in_series(con, source_sql, spike, f"product = {sql_literal(product)}")
        if inside >= EXPLAINED_SHARE * excess:
            return product
    return None

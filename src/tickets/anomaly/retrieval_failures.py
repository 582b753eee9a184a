"""Retrieval failures and negative agent feedback, by topic: rates, and topics on the rise.

Inputs (read by file format only; the anomaly package does not import the retrieval or API code):
- the failure log written by ``recommend`` (JSONL, schema in tickets/retrieval/failures.py):
  ``logged_at``, ``reason``, ``ticket_id``, ``query``, ``entities``, ``product``, ``issue``;
- agent feedback exported from the API (.jsonl, .parquet, .csv, or its SQLite database with a
  ``feedback`` table): ``ticket_id``, ``kind``, ``created_at`` (plus optional ``product``).

A failure's topic is its first error-code entity, else its product, else "unknown"; a feedback
row's topic is its ticket's product (joined from the warehouse when missing). A topic rises
when its events in the last ``recent_days`` are far above its daily rate in the
``baseline_days`` before (exact conditional binomial test, BH over topic x day, minimum count
and ratio). Rising failure topics are KB gaps; rising negative feedback is reported as
``retrieval_failures``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from tickets.anomaly.records import Anomaly, severity_from_score
from tickets.anomaly.scoring import benjamini_hochberg, runs
from tickets.anomaly.settings import RetrievalFailureSettings

CODE = re.compile(r"^[A-Z]{1,4}-?[0-9]{2,5}$")
EVENT_COLUMNS = ["at", "topic", "ticket_id", "text"]
DayBounds = Callable[[int, int], tuple[dt.datetime, dt.datetime]]


def failure_topic(record: dict[str, object]) -> str:
    entities = record.get("entities") or []
    for entity in entities if isinstance(entities, list) else []:
        if isinstance(entity, str) and CODE.match(entity.strip()):
            return entity.strip()
    product = record.get("product")
    return str(product) if product else "unknown"


def load_failures(path: Path | None) -> pd.DataFrame | None:
    """Failure events (at, topic, ticket_id, text), or None when there is no log."""
    if path is None or not Path(path).is_file():
        return None
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise ValueError(
                    f"{path} line {number}: not JSON ({err}); fix or remove it"
                ) from err
            rows.append(
                {
                    "at": record.get("logged_at"),
                    "topic": failure_topic(record),
                    "ticket_id": record.get("ticket_id"),
                    "text": str(record.get("query") or "")[:200],
                }
            )
    frame = pd.DataFrame(rows, columns=EVENT_COLUMNS)
    frame["at"] = pd.to_datetime(frame["at"], utc=True, errors="coerce")
    return frame.dropna(subset=["at"])


def load_feedback(path: Path | None) -> pd.DataFrame | None:
    """Feedback rows (ticket_id, kind, created_at[, product]), or None when absent."""
    if path is None or not Path(path).is_file():
        return None
    path = Path(path)
    if path.suffix in (".db", ".sqlite", ".sqlite3"):
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
            frame = pd.read_sql_query("SELECT ticket_id, kind, created_at FROM feedback", con)
    elif path.suffix == ".parquet":
        frame = pd.read_parquet(path)
    elif path.suffix == ".csv":
        frame = pd.read_csv(path)
    else:
        frame = pd.read_json(path, lines=True)
    missing = {"ticket_id", "kind", "created_at"} - set(frame.columns)
    if missing:
        raise ValueError(f"feedback file {path}: missing columns {sorted(missing)}")
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, errors="coerce")
    return frame.dropna(subset=["created_at"])


def negative_events(feedback: pd.DataFrame, negative_kinds: tuple[str, ...]) -> pd.DataFrame:
    negative = feedback["kind"].astype(str).str.lower().isin({k.lower() for k in negative_kinds})
    topic = feedback["product"] if "product" in feedback else pd.Series("unknown", feedback.index)
    return pd.DataFrame(
        {
            "at": feedback["created_at"],
            "topic": topic.fillna("unknown").astype(str),
            "ticket_id": feedback["ticket_id"].astype(str),
            "text": feedback["kind"].astype(str),
            "negative": negative,
        }
    )


def topic_rates(events: pd.DataFrame, lo: dt.datetime, hi: dt.datetime) -> list[dict[str, object]]:
    """Events per topic in [lo, hi), with each topic's share of all events."""
    inside = events[(events["at"] >= lo) & (events["at"] < hi)]
    if inside.empty:
        return []
    counts = inside.groupby("topic").size().sort_values(ascending=False)
    total = float(counts.sum())
    return [{"topic": t, "events": int(n), "share": round(n / total, 4)} for t, n in counts.items()]


def rising_event_topics(
    events: pd.DataFrame,
    days: list[dt.date],
    timezone: str,
    window: tuple[int, int],
    day_bounds: DayBounds,
    cfg: RetrievalFailureSettings,
    kind: str,
    signal: str,
) -> list[Anomaly]:
    """Topics whose daily event count rose sharply; one anomaly per run of flagged days."""
    if events.empty or not days:
        return []
    local = events["at"].dt.tz_convert(timezone).dt.date
    origin = days[0]
    offset = np.asarray([(d - origin).days for d in local])
    topics = sorted(events["topic"].unique())
    counts = np.zeros((len(topics), len(days)))
    ok = (offset >= 0) & (offset < len(days))
    rows = pd.Index(topics).get_indexer(events["topic"])
    np.add.at(counts, (rows[ok], offset[ok]), 1.0)
    flagged, p, q, recent, expected = _tests(counts, window, cfg)
    found = []
    for t, topic in enumerate(topics):
        for first, last in runs(flagged[t]):
            lo = max(0, first - cfg.recent_days + 1)
            onset = lo + int(np.flatnonzero(counts[t, lo : first + 1] > 0)[0])
            found.append(
                _anomaly(topic, (onset, first, last), recent[t], expected[t], p[t], q[t], days,
                         day_bounds, events[events["topic"] == topic], cfg, kind, signal)
            )  # fmt: skip
    return found


def _tests(
    counts: np.ndarray, window: tuple[int, int], cfg: RetrievalFailureSettings
) -> tuple[np.ndarray, ...]:
    r, b = cfg.recent_days, cfg.baseline_days
    cum = np.concatenate([np.zeros((counts.shape[0], 1)), np.cumsum(counts, axis=1)], axis=1)
    day = np.arange(counts.shape[1])

    def at(lag: int) -> np.ndarray:
        idx = day + 1 - lag
        return np.where(idx >= 0, cum[:, np.clip(idx, 0, None)], 0.0)

    recent, base = at(0) - at(r), at(r) - at(r + b)
    expected = (base + 0.5) * r / b
    testable = (day >= window[0]) & (day <= window[1]) & (day >= r + b - 1)
    p = np.ones_like(counts)
    sel = testable[None, :] & (recent >= cfg.min_events)
    p[sel] = stats.binom.sf(recent[sel] - 1, recent[sel] + base[sel], r / (r + b))
    q = np.ones_like(counts)
    tested = testable[None, :] & np.ones_like(counts, dtype=bool)
    q[tested] = benjamini_hochberg(p[tested])
    flagged = sel & (q <= cfg.fdr) & (recent >= cfg.min_ratio * expected)
    return flagged, p, q, recent, expected


def _anomaly(
    topic: str,
    span: tuple[int, int, int],  # onset, first flagged day, last flagged day
    recent: np.ndarray,
    expected: np.ndarray,
    p: np.ndarray,
    q: np.ndarray,
    days: list[dt.date],
    day_bounds: DayBounds,
    topic_events: pd.DataFrame,
    cfg: RetrievalFailureSettings,
    kind: str,
    signal: str,
) -> Anomaly:
    onset, first, last = span
    start, end = day_bounds(onset, last)
    peak = int(first + np.argmax(recent[first : last + 1]))
    z = float(min(stats.norm.isf(max(float(p[first : last + 1].min()), 1e-300)), 40.0))
    inside = topic_events[(topic_events["at"] >= start) & (topic_events["at"] < end)]
    examples = [str(x) for x in inside["ticket_id"].dropna().unique()[:10]]
    return Anomaly(
        type=kind,
        dimension="topic",
        value=topic,
        start=start,
        end=end,
        observed=float(recent[peak]),
        expected=float(expected[peak]),
        expected_sd=float(np.sqrt(max(expected[peak], 0.0))),
        score=z,
        unit=f"events per {cfg.recent_days} days",
        signal=signal,
        grain="window",
        p_value=float(p[first : last + 1].min()),
        q_value=float(q[first : last + 1].min()),
        severity=severity_from_score(z, recent[peak] / max(expected[peak], 1e-9) - 1),
        example_ticket_ids=examples[:5],
        local_start=days[onset],
        local_end=days[last],
        details={
            "events": len(inside),
            "example_queries": [str(x) for x in inside["text"].head(3)],
            "excess": float(recent[peak] - expected[peak]),
        },
    )

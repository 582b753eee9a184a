"""One anomaly as every detector reports it, and the anomalies.json / anomalies.parquet schema.

anomalies.json (schema_version 1)::

    {"schema_version": 1, "warehouse": "...", "timezone": "UTC", "window": {"start", "end"},
     "anomalies": [ANOMALY, ...], "not_enough_history": [...], "notes": [...], ...}

ANOMALY fields:
    id                 stable hash of type, dimension, value and start
    type               volume_spike | volume_drop | emerging_issue | kb_gap | sentiment_drop |
                       sentiment_rise | retrieval_failures
    dimension, value   where: overall/all, queue/Billing, product/Router-X, topic/<name>, ...
    start, end         window as UTC instants (ISO 8601, end exclusive); local_start/local_end are
                       the inclusive local dates in the reporting timezone
    grain              day | hour | window
    signal             daily_count | hourly_count | terms | vader | csat | vader+csat |
                       retrieval_failures | negative_feedback
    observed, expected what was seen and what the baseline expected, in ``unit``
    expected_sd        spread of the expectation (same unit)
    score              standardised size (z-like, signed: negative for drops)
    p_value, q_value   one-sided test and its Benjamini-Hochberg adjusted value
    severity           low | medium | high | critical
    explanation        one sentence a person can act on
    example_ticket_ids a few tickets to open first
    details            detector-specific extras (terms, related series, KB coverage, ...)
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA_VERSION = 1
ANOMALY_TYPES = (
    "volume_spike",
    "volume_drop",
    "emerging_issue",
    "kb_gap",
    "sentiment_drop",
    "sentiment_rise",
    "retrieval_failures",
)
SEVERITIES = ("low", "medium", "high", "critical")


@dataclass
class Anomaly:
    type: str
    dimension: str
    value: str
    start: dt.datetime
    end: dt.datetime
    observed: float
    expected: float
    expected_sd: float
    score: float
    unit: str
    signal: str
    grain: str = "day"
    p_value: float | None = None
    q_value: float | None = None
    severity: str = "low"
    explanation: str = ""
    example_ticket_ids: list[str] = field(default_factory=list)
    local_start: dt.date | None = None
    local_end: dt.date | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        key = f"{self.type}|{self.dimension}|{self.value}|{self.start.isoformat()}"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]

    @property
    def days(self) -> float:
        return max((self.end - self.start).total_seconds() / 86400.0, 1 / 24)

    def overlaps(self, other: Anomaly) -> bool:
        return self.start < other.end and other.start < self.end

    def to_dict(self) -> dict[str, Any]:
        payload = asdict(self)
        payload = {"id": self.id, **payload}
        for key in ("start", "end"):
            payload[key] = _instant(getattr(self, key))
        for key in ("local_start", "local_end"):
            value = getattr(self, key)
            payload[key] = value.isoformat() if value else None
        for key in ("observed", "expected", "expected_sd", "score"):
            payload[key] = round(float(payload[key]), 4)
        return payload


def _instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def severity_from_score(score: float, effect: float) -> str:
    """Severity from the standardised score and the relative effect (ratio - 1, or a delta).

    critical: |z| >= 20 and effect >= 2 (e.g. three times the usual volume); high: |z| >= 10;
    medium: |z| >= 5; low otherwise.
    """
    z = abs(score)
    if z >= 20 and abs(effect) >= 2:
        return "critical"
    if z >= 10:
        return "high"
    if z >= 5:
        return "medium"
    return "low"

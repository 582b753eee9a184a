"""Append-only log of retrieval failures: queries that got no confident answer.

One JSON object per line (schema version 1), appended to ``retrieval.failure_log``
(default ``outputs/retrieval/failures.jsonl``). The anomaly detector reads it to find KB gaps:
many low-confidence queries about one product, issue or error code in a short window.

Fields: ``schema_version`` (1), ``logged_at`` (UTC ISO 8601), ``reason`` ("low_confidence" or
"no_results"), ``query_hash`` (sha256 of the cleaned query, 16 hex), ``query`` (first 500
characters), ``query_chars``, ``language``, ``ticket_id`` (when the query was a ticket),
``confidence``, ``threshold``, ``top_kb`` and ``top_tickets`` (lists of ``{"id", "score"}``),
``entities`` (typed keys such as ``error:e4711``, ``component:org.apache.hadoop.fs``,
``version:4.3.0``, ``product:router-x``), ``error_codes`` (the codes among them as written,
e.g. ``E4711``, ``V-3090``), ``product`` and
``issue`` (of the most similar solved ticket, if any), ``index_built_at``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tickets.utils.io import sha256_text

FAILURE_SCHEMA_VERSION = 1
QUERY_PREVIEW_CHARS = 500


@dataclass(frozen=True)
class RetrievalFailure:
    reason: str
    query: str
    language: str
    confidence: float
    threshold: float
    ticket_id: str | None = None
    top_kb: list[dict[str, object]] = field(default_factory=list)
    top_tickets: list[dict[str, object]] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    error_codes: list[str] = field(default_factory=list)
    product: str | None = None
    issue: str | None = None
    index_built_at: str = ""

    def record(self, now: dt.datetime | None = None) -> dict[str, object]:
        payload = asdict(self)
        payload["query"] = self.query[:QUERY_PREVIEW_CHARS]
        return {
            "schema_version": FAILURE_SCHEMA_VERSION,
            "logged_at": (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
            "query_hash": sha256_text(self.query)[:16],
            "query_chars": len(self.query),
            **payload,
        }


def append_failure(path: str | Path, failure: RetrievalFailure) -> Path:
    """Append one line; a single write on an O_APPEND file, so lines never interleave."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(failure.record(), ensure_ascii=False, default=str) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)
    return path


def read_failures(path: str | Path) -> list[dict[str, object]]:
    path = Path(path)
    if not path.is_file():
        return []
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]

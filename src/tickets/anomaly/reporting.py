"""Write a run's outputs: anomalies.json, anomalies.parquet, kb_gap_report.json/.md and
manifest.json (schemas: records.py for an anomaly; this module for the files)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tickets.anomaly.records import SCHEMA_VERSION, Anomaly
from tickets.utils.io import write_json_atomic, write_text_atomic

ANOMALIES_JSON = "anomalies.json"
ANOMALIES_PARQUET = "anomalies.parquet"
KB_GAP_JSON = "kb_gap_report.json"
KB_GAP_MD = "kb_gap_report.md"

PARQUET_SCHEMA = pa.schema(
    [
        ("id", pa.string()), ("type", pa.string()), ("dimension", pa.string()),
        ("value", pa.string()), ("start", pa.timestamp("us", tz="UTC")),
        ("end", pa.timestamp("us", tz="UTC")), ("local_start", pa.date32()),
        ("local_end", pa.date32()), ("grain", pa.string()), ("signal", pa.string()),
        ("observed", pa.float64()), ("expected", pa.float64()), ("expected_sd", pa.float64()),
        ("unit", pa.string()), ("score", pa.float64()), ("p_value", pa.float64()),
        ("q_value", pa.float64()), ("severity", pa.string()), ("explanation", pa.string()),
        ("example_ticket_ids", pa.list_(pa.string())), ("details_json", pa.string()),
    ]
)  # fmt: skip


def anomalies_payload(anomalies: list[Anomaly], context: dict[str, Any]) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        **context,
        "counts": _counts(anomalies),
        "anomalies": [a.to_dict() for a in anomalies],
    }


def _counts(anomalies: list[Anomaly]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for anomaly in anomalies:
        counts[anomaly.type] = counts.get(anomaly.type, 0) + 1
    return counts


def write_parquet(path: Path, anomalies: list[Anomaly]) -> None:
    rows = [
        {
            **{k: getattr(a, k) for k in PARQUET_SCHEMA.names if hasattr(a, k) and k != "id"},
            "id": a.id,
            "details_json": json.dumps(a.details, default=str, ensure_ascii=False),
        }
        for a in anomalies
    ]
    table = pa.Table.from_pylist(rows, schema=PARQUET_SCHEMA)
    pq.write_table(table, path)


def kb_gap_payload(
    anomalies: list[Anomaly], retrieval: dict[str, Any], sources: dict[str, Any]
) -> dict[str, Any]:
    gaps = [a for a in anomalies if a.type == "kb_gap"]
    return {
        "schema_version": SCHEMA_VERSION,
        "sources": sources,
        "gaps": [
            {
                "topic": a.value,
                "signal": a.signal,
                "product": a.details.get("product"),
                "since": a.local_start.isoformat() if a.local_start else None,
                "until": a.local_end.isoformat() if a.local_end else None,
                "tickets": a.details.get("tickets", a.details.get("events")),
                "suggested_title": _title(a),
                "example_ticket_ids": a.example_ticket_ids,
                "evidence": {
                    k: a.details.get(k)
                    for k in ("kb_coverage", "cited_share", "codes", "example_queries", "events")
                    if a.details.get(k) is not None
                },
                "explanation": a.explanation,
            }
            for a in sorted(gaps, key=lambda a: -abs(a.score))
        ],
        **retrieval,
    }


def _title(anomaly: Anomaly) -> str:
    product = anomaly.details.get("product")
    codes = anomaly.details.get("codes") or []
    head = f"{product}: " if product else ""
    code = f" ({', '.join(codes)})" if codes else ""
    return f"{head}{anomaly.value}{code}"


def kb_gap_markdown(payload: dict[str, Any]) -> str:
    lines = ["# KB gap report", ""]
    if not payload["gaps"]:
        lines += ["No topic currently lacks a KB article.", ""]
    for gap in payload["gaps"]:
        lines += [
            f"## {gap['suggested_title']}",
            "",
            f"- since {gap['since']} ({gap['tickets']} tickets or queries; "
            f"signal: {gap['signal']})",
            f"- {gap['explanation']}",
            f"- example tickets: {', '.join(gap['example_ticket_ids']) or 'none'}",
            "",
        ]
    for key, title in (("failure_rates", "No confident answer, by topic"),
                       ("negative_feedback", "Negative agent feedback, by topic")):  # fmt: skip
        rows = payload.get(key) or []
        if rows:
            lines += [f"## {title}", "", "| " + " | ".join(rows[0]) + " |",
                      "|" + "---|" * len(rows[0])]  # fmt: skip
            lines += ["| " + " | ".join(str(v) for v in r.values()) + " |" for r in rows[:20]]
            lines.append("")
    return "\n".join(lines)


def write_outputs(
    folder: Path,
    anomalies: list[Anomaly],
    context: dict[str, Any],
    kb_report: dict[str, Any],
    manifest: dict[str, Any],
) -> dict[str, int]:
    """Write every file into ``folder`` (a staging folder); returns row counts per file."""
    write_json_atomic(folder / ANOMALIES_JSON, anomalies_payload(anomalies, context))
    write_parquet(folder / ANOMALIES_PARQUET, anomalies)
    write_json_atomic(folder / KB_GAP_JSON, kb_report)
    write_text_atomic(folder / KB_GAP_MD, kb_gap_markdown(kb_report))
    counts = {ANOMALIES_JSON: len(anomalies), ANOMALIES_PARQUET: len(anomalies),
              KB_GAP_JSON: len(kb_report["gaps"])}  # fmt: skip
    write_json_atomic(folder / "manifest.json", {**manifest, "row_counts": counts})
    return counts

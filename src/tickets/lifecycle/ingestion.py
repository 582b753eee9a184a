"""Bring new data into the warehouse before training: every file in the inbox, and the API's
tickets (exported by the task layer). ``ingest_file`` skips a file it already ingested with the
same adapter, so a file can stay in the inbox without being counted twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tickets.data.adapter_spec import AdapterSpec
from tickets.data.ingest import ingest_file
from tickets.data.warehouse import Warehouse

BRONZE_SUFFIXES = (".parquet", ".csv", ".json", ".jsonl", ".gz", ".tsv")


@dataclass
class IngestReport:
    files: list[dict[str, object]] = field(default_factory=list)

    @property
    def new_tickets(self) -> int:
        return sum(int(f.get("inserted", 0)) + int(f.get("updated", 0)) for f in self.files)  # type: ignore[call-overload]


def inbox_files(inbox: Path | None) -> list[Path]:
    if inbox is None or not Path(inbox).is_dir():
        return []
    return sorted(
        p
        for p in Path(inbox).iterdir()
        if p.is_file() and not p.name.startswith(".") and p.name.endswith(BRONZE_SUFFIXES)
    )


def ingest_new_data(
    files: list[Path], spec: AdapterSpec, warehouse: Warehouse, api_export: Path | None = None
) -> IngestReport:
    """Ingest ``files`` with ``spec``, then the API export (canonical) with force: its content
    changes in place as agents correct categories."""
    report = IngestReport()
    for path in files:
        summary = ingest_file(path, spec, warehouse)
        report.files.append(_row(path, summary, spec.name))
    if api_export is not None:
        canonical = AdapterSpec.from_mapping(
            {"name": "api_db", "format": "parquet", "lowercase": ["status", "priority", "channel"]}
        )
        summary = ingest_file(api_export, canonical, warehouse, force=True)
        report.files.append(_row(api_export, summary, "api_db"))
    return report


def _row(path: Path, summary, adapter: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "file": str(path),
        "adapter": adapter,
        "skipped": summary.skipped,
        "inserted": 0 if summary.skipped else summary.inserted,
        "updated": 0 if summary.skipped else summary.updated,
        "rejected": 0 if summary.skipped else summary.rejected,
        "warehouse_tickets": summary.warehouse_tickets,
    }

"""``python main.py ingest``: one bronze file into the silver warehouse, with a summary."""

from __future__ import annotations

import logging
from pathlib import Path

from omegaconf import DictConfig, OmegaConf
from rich.table import Table

from tickets.data.adapter_spec import AdapterConfigError, AdapterSpec
from tickets.data.adapters import MissingColumnsError
from tickets.data.ingest import IngestSummary, ingest_file
from tickets.data.sources import SourceError
from tickets.data.warehouse import Warehouse
from tickets.utils.logging import console
from tickets.utils.progress import progress_bar

log = logging.getLogger(__name__)


def run(cfg: DictConfig) -> int:
    preset = OmegaConf.to_container(cfg.data, resolve=True)
    assert isinstance(preset, dict)
    if preset.pop("export_from", None) == "api_db":  # data=api_db: export the API's tickets first
        from tickets.tasks.serve import export_api_db

        export_api_db(cfg, str(preset["input"]))
    try:
        spec = AdapterSpec.from_mapping(preset)  # type: ignore[arg-type]
    except AdapterConfigError as err:
        console.print(f"[red]adapter error:[/] {err}")
        return 2
    if not cfg.ingest.input:
        console.print(f"[red]no input file:[/] pass --input FILE (preset {spec.name} has none)")
        return 2
    warehouse = Warehouse.at(cfg.ingest.warehouse)
    try:
        with progress_bar() as progress:
            task = progress.add_task(f"ingesting {Path(cfg.ingest.input).name}", total=None)
            summary = ingest_file(
                cfg.ingest.input,
                spec,
                warehouse,
                batch_rows=int(cfg.ingest.batch_rows),
                force=bool(cfg.ingest.force),
                memory_limit=str(cfg.ingest.memory_limit),
                on_rows=lambda n: progress.advance(task, n),
            )
    except (MissingColumnsError, SourceError) as err:
        console.print(f"[red]cannot ingest:[/] {err}")
        return 1
    _print_summary(summary)
    return 0


def _print_summary(summary: IngestSummary) -> None:
    if summary.skipped:
        console.print(
            f"[green]{summary.file}[/] was already ingested with the same adapter "
            f"({summary.ingested_at}); nothing changed in {summary.warehouse}."
        )
        return
    table = Table(title=f"ingest {Path(summary.file).name} ({summary.adapter})", show_header=False)
    rows = [
        ("rows read", summary.rows_read),
        ("malformed lines", summary.malformed_lines),
        ("tickets in file", summary.tickets_in_file),
        ("accepted", summary.accepted),
        ("  new", summary.inserted),
        ("  updated", summary.updated),
        ("  unchanged", summary.unchanged),
        ("  kept warehouse copy (not newer)", summary.stale),
        ("superseded by a later update in the file", summary.superseded_in_file),
        ("identical duplicate rows collapsed", summary.identical_duplicates),
        ("rejected", summary.rejected),
        *((f"  {reason}", n) for reason, n in summary.rejected_by_reason.items()),
        ("tickets in warehouse", summary.warehouse_tickets),
    ]
    for label, value in rows:
        table.add_row(label, f"{value:,}")
    console.print(table)
    console.print(f"Warehouse: {summary.warehouse}")
    if summary.rejected:
        console.print(f"Rejects with reasons: {summary.run_dir}/rejects.parquet")
    console.print(f"Run summary: {summary.run_dir}/summary.json")

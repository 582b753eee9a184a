"""``python main.py generate``: a synthetic warehouse with planted ground truth."""

from __future__ import annotations

import logging
from pathlib import Path

from omegaconf import DictConfig, OmegaConf
from pydantic import ValidationError
from rich.table import Table

from tickets.data.generator import GenerationReport, GeneratorSettings, OutputDirError, generate
from tickets.utils.logging import console
from tickets.utils.progress import progress_bar

log = logging.getLogger(__name__)


def settings_from_config(cfg: DictConfig) -> GeneratorSettings:
    raw = OmegaConf.to_container(cfg.generator, resolve=True)
    return GeneratorSettings.from_mapping(raw)  # type: ignore[arg-type]


def run(cfg: DictConfig) -> int:
    try:
        settings = settings_from_config(cfg)
    except ValidationError as err:
        console.print(f"[red]generator config error:[/] {err}")
        console.print("Fix the generator.* keys (conf/generator/default.yaml documents them).")
        return 2
    try:
        with progress_bar() as progress:
            task = progress.add_task("generating tickets", total=settings.tickets)
            report = generate(settings, on_tickets=lambda n: progress.advance(task, n))
    except OutputDirError as err:
        console.print(f"[red]cannot generate:[/] {err}")
        return 1
    _print_report(settings, report)
    return 0


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _print_report(settings: GeneratorSettings, report: GenerationReport) -> None:
    title = (
        f"generated {settings.tickets:,} tickets, seed {settings.seed}, "
        f"{settings.start} + {settings.days} days"
        + ("" if settings.text else ", no text")
        + ("" if settings.anomalies else ", no anomalies")
    )
    table = Table(title=title)
    table.add_column("output", style="bold cyan")
    table.add_column("rows", justify="right")
    table.add_column("size", justify="right")
    table.add_column("path")
    for name, (path, rows) in report.outputs.items():
        table.add_row(name, f"{rows:,}", f"{_size(path) / 1e6:,.1f} MB", str(path))
    console.print(table)
    console.print(
        f"Warehouse: {report.root}  ({len(report.tickets_by_month)} monthly partitions). "
        f"Next: python main.py analytics --warehouse {report.root}"
    )

"""Wire the generator: plan the world, then stream chunks of tickets to the writers.

For each chunk of whole days: arrival times → ticket draws → lifecycle events → the state at
the export instant → CSAT → voice and text → canonical table (+ bronze rows). Nothing here
loops over tickets; the loop is over chunks, and a writer thread overlaps writing with
generating.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from tickets.data.generator.bronze import BronzeWriter
from tickets.data.generator.canonical import GENERATED_SCHEMA
from tickets.data.generator.chunk import Chunk, chunk_stream
from tickets.data.generator.csat import DriverStats
from tickets.data.generator.dimensions import write_dimensions
from tickets.data.generator.ground_truth import build_ground_truth
from tickets.data.generator.readme import write_readme
from tickets.data.generator.settings import GeneratorSettings
from tickets.data.generator.tally import TruthTally
from tickets.data.generator.text_bank import TextBank
from tickets.data.generator.world import World, build_world
from tickets.data.generator.writer import MonthPartitionWriter
from tickets.data.warehouse import Warehouse
from tickets.utils.io import atomic_directory, write_json_atomic


@dataclass
class GenerationReport:
    """What was written where: table name → (path, rows)."""

    root: Path
    outputs: dict[str, tuple[Path, int]] = field(default_factory=dict)
    tickets_by_month: dict[str, int] = field(default_factory=dict)


def generate_into(
    settings: GeneratorSettings,
    root: Path,
    on_tickets: Callable[[int], None] | None = None,
) -> GenerationReport:
    """Write the whole generated warehouse under ``root`` (a fresh, empty folder)."""
    world = build_world(settings)
    warehouse = Warehouse.at(root)
    bank = TextBank.build(world) if settings.text else None
    tally, drivers = TruthTally(world), DriverStats()
    sinks = ChunkSinks.open(world, warehouse, settings.bronze)
    try:
        _stream(world, bank, sinks, tally, drivers, on_tickets)
    finally:
        sinks.close()
    report = GenerationReport(root=root, tickets_by_month=dict(sinks.tickets.rows_by_month))
    report.outputs["tickets"] = (warehouse.tickets_dir, tally.tickets)
    report.outputs.update(write_dimensions(world, warehouse))
    if sinks.bronze is not None:
        report.outputs.update(sinks.bronze.outputs())
    truth = build_ground_truth(world, tally, drivers)
    report.outputs["ground_truth"] = (write_json_atomic(warehouse.ground_truth_path, truth), 1)
    report.outputs["readme"] = (write_readme(root, settings), 1)
    return report


def _stream(
    world: World,
    bank: TextBank | None,
    sinks: ChunkSinks,
    tally: TruthTally,
    drivers: DriverStats,
    on_tickets: Callable[[int], None] | None,
) -> None:
    """Build chunks (and their bronze rows) on this thread while one writer thread encodes
    and writes the previous chunk's files. Writes stay in order; at most two chunks are in
    memory at once.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending: Future[None] | None = None
        for chunk in chunk_stream(world, bank):
            tally.add(chunk.tickets, chunk.state, chunk.csat, chunk.tone)
            drivers.add(chunk.csat)
            events = sinks.bronze_events(chunk)
            if pending is not None:
                pending.result()
            pending = pool.submit(sinks.write, chunk, events)
            if on_tickets:
                on_tickets(len(chunk.tickets))
        if pending is not None:
            pending.result()


@dataclass
class ChunkSinks:
    """Where each chunk goes: the month partitions and, optionally, the bronze exports."""

    tickets: MonthPartitionWriter
    bronze: BronzeWriter | None

    @classmethod
    def open(cls, world: World, warehouse: Warehouse, with_bronze: bool) -> ChunkSinks:
        tickets = MonthPartitionWriter(warehouse.tickets_dir, GENERATED_SCHEMA)
        bronze = BronzeWriter.open(world, warehouse.root / "bronze") if with_bronze else None
        return cls(tickets, bronze)

    def bronze_events(self, chunk: Chunk) -> pa.Table | None:
        if self.bronze is None:
            return None
        return self.bronze.event_table(
            chunk.table, chunk.tickets, chunk.lifecycle, chunk.state, chunk.csat
        )

    def write(self, chunk: Chunk, events: pa.Table | None) -> None:
        self.tickets.write(chunk.table, chunk.tickets.created)
        if self.bronze is not None and events is not None:
            self.bronze.write(chunk.table, chunk.tickets, chunk.state, events)

    def close(self) -> None:
        self.tickets.close()
        if self.bronze is not None:
            self.bronze.close()


class OutputDirError(RuntimeError):
    """The output folder holds something that is not a generated warehouse."""


def check_replaceable(target: Path) -> None:
    """Refuse to replace a non-empty folder unless an earlier ``generate`` wrote it."""
    if not target.exists():
        return
    if not target.is_dir():
        raise OutputDirError(f"--output-dir {target} is a file; choose a folder")
    if any(target.iterdir()) and not Warehouse.at(target).ground_truth_path.exists():
        raise OutputDirError(
            f"--output-dir {target} is not empty and holds no ground_truth.json, so it was not "
            "written by 'generate'; choose a new or empty folder (nothing was changed)"
        )


def generate(
    settings: GeneratorSettings, on_tickets: Callable[[int], None] | None = None
) -> GenerationReport:
    """Generate into a staging folder, then swap it in place of ``settings.output_dir``."""
    target = Path(settings.output_dir)
    check_replaceable(target)
    with atomic_directory(target) as staging:
        report = generate_into(settings, staging, on_tickets)
    umask = os.umask(0)
    os.umask(umask)
    target.chmod(0o777 & ~umask)  # the staging folder was private (mkdtemp)
    outputs = {
        name: (target / path.relative_to(staging), rows)
        for name, (path, rows) in report.outputs.items()
    }
    return GenerationReport(target, outputs, report.tickets_by_month)

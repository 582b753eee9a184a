"""The analytics pipeline: wires loading, computing, the driver model and the outputs.

Each step is a function from another module; this file only orders them, shows progress and
decides what gets written (nothing at all on --dry-run).
"""

from __future__ import annotations

import contextlib
import difflib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
from ibis.backends import BaseBackend

from tickets.analytics import driver_store, reporting
from tickets.analytics.anomaly_feed import Anomaly, find_anomalies_file, load_anomalies
from tickets.analytics.compute import Bundle, compute_bundle, enrich_context
from tickets.analytics.console_summary import print_summary
from tickets.analytics.drivers import FEATURES
from tickets.analytics.engine import connect_engine
from tickets.analytics.errors import AnalyticsError
from tickets.analytics.fingerprint import BackgroundFingerprint
from tickets.analytics.html_report import render_report
from tickets.analytics.loader import DataProfile, load_tables, profile_warehouse
from tickets.analytics.satisfaction import DriverSection, driver_section
from tickets.analytics.settings import AnalyticsSettings
from tickets.analytics.windows import WindowError, local_date, resolve_window
from tickets.data.warehouse import Warehouse
from tickets.utils.io import atomic_directory, write_json_atomic
from tickets.utils.logging import console
from tickets.utils.progress import progress_bar
from tickets.utils.timeutil import run_stamp, utc_now
from tickets.utils.version import code_version

STEPS = 12
ENRICHED = reporting.ENRICHED_FILE


@dataclass
class RunResult:
    bundle: Bundle
    drivers: DriverSection
    summary: dict[str, Any]
    html: str
    data: DataProfile
    backend: BaseBackend
    output_dir: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    export: reporting.BackgroundExport | None = None  # tickets_enriched.parquet, being written


class RunFolder:
    """The run's output folder: a hidden staging folder, opened when first needed (so a run
    that fails its checks writes nothing) and swapped into place by ``commit()``."""

    def __init__(self, target: Path, stack: contextlib.ExitStack) -> None:
        self.target = target
        self._stack = stack
        self._staging: Path | None = None

    @property
    def staging(self) -> Path:
        if self._staging is None:
            self._staging = self._stack.enter_context(atomic_directory(self.target))
        return self._staging

    def on_close(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` before the staging folder is swapped in or removed."""
        self._stack.callback(callback)

    def commit(self) -> None:
        self.staging  # noqa: B018  (an empty run folder is still a run folder)
        self._stack.close()


class StepClock:
    """Called with each step's name: advances the progress display and times the steps."""

    def __init__(self, advance: Callable[[str], None]) -> None:
        self.timings: dict[str, float] = {}
        self.cpu: dict[str, float] = {}  # process CPU seconds (all engine threads included)
        self._advance = advance
        self._name, self._started, self._cpu = "start", time.perf_counter(), time.process_time()

    def __call__(self, name: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.timings[self._name] = round(now - self._started, 3)
        self.cpu[self._name] = round(cpu - self._cpu, 3)
        self._name, self._started, self._cpu = name, now, cpu
        self._advance(name)


@contextlib.contextmanager
def _progress(total: int) -> Iterator[StepClock]:
    with progress_bar() as bar:
        task = bar.add_task("analytics", total=total)
        clock = StepClock(lambda name: bar.update(task, advance=1, description=name))
        yield clock
        clock("done")


def check_agents(requested: tuple[str, ...], data: DataProfile, directory: list[str]) -> None:
    known = sorted(set(data.agent_ids) | set(directory))
    for agent in requested:
        if agent in known:
            continue
        close = difflib.get_close_matches(agent, known, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        sample = ", ".join(known[:8]) + (" …" if len(known) > 8 else "")
        raise AnalyticsError(
            f"unknown agent id {agent!r}: no ticket and no agents.parquet row has it.{hint} "
            f"Known agents ({len(known)}): {sample or 'none'}."
        )


def _model_key(settings: AnalyticsSettings, fingerprint: str) -> driver_store.ModelKey:
    sla = settings.sla
    config = {
        "sla_clock": sla.clock,
        "sla_calendar": sla.calendar.describe(),
        "sla_targets": {
            k: [v.first_response_hours, v.resolution_hours] for k, v in sla.targets.items()
        },
    }
    return driver_store.ModelKey(list(FEATURES), settings.drivers.params(), config, fingerprint)


def _anomalies(settings: AnalyticsSettings, bundle: Bundle) -> tuple[list[Anomaly], str | None]:
    path = find_anomalies_file(settings.anomalies, settings.outputs_root, settings.warehouse)
    if path is None:
        return [], None
    found, problem = load_anomalies(path, bundle.window)
    if problem:
        console.print(f"[yellow]anomalies:[/] {problem}")
        return [], None
    bundle.extras["anomalies_summary"] = {"source": str(path), "in_window": len(found)}
    return found, str(path)


def _context(
    settings: AnalyticsSettings, data: DataProfile, anomalies_source: str | None
) -> dict[str, Any]:
    assert data.first_created and data.snapshot
    tz = settings.reporting_timezone
    return {
        "title": "Support analytics",
        "generated_at": utc_now().isoformat(timespec="seconds"),
        "warehouse": str(settings.warehouse),
        "engine": settings.engine.name,
        "sla_clock": settings.sla.clock,
        "reporting_timezone": tz,
        "agent_ids": list(settings.agent_ids),
        "data_range": f"{local_date(data.first_created, tz)} to {local_date(data.snapshot, tz)}",
        "snapshot": data.snapshot.isoformat(),
        "satisfied_threshold": settings.satisfied_threshold,
        "code_version": code_version(),
        "anomalies_source": anomalies_source,
    }


def _compute(
    settings: AnalyticsSettings,
    fingerprint: BackgroundFingerprint,
    step: StepClock,
    folder: RunFolder | None,
) -> RunResult:
    warehouse = Warehouse.at(settings.warehouse)
    step("starting the engine")
    backend = connect_engine(settings.engine)
    step("reading the warehouse")
    tables = load_tables(backend, warehouse)
    data = profile_warehouse(backend, tables, warehouse)
    if data.tickets == 0 or data.first_created is None or data.snapshot is None:
        raise AnalyticsError(f"warehouse {warehouse.root} has no tickets with a created_at", 1)
    directory = (
        [] if tables.agents_arrow is None else tables.agents_arrow.column("agent_id").to_pylist()
    )
    check_agents(settings.agent_ids, data, [a for a in directory if a])
    try:
        window = resolve_window(
            settings.start_date,
            settings.end_date,
            settings.window_days,
            settings.reporting_timezone,
            data.first_created,
            data.snapshot,
        )
    except WindowError as err:
        raise AnalyticsError(str(err), 1) from err
    ctx, policies = enrich_context(settings, tables, data, backend)
    export: reporting.BackgroundExport | None = None

    def start_export(enriched: ir.Table) -> None:
        """Write tickets_enriched.parquet while the aggregates run (DuckDB only)."""
        nonlocal export
        if folder is None or backend.name != "duckdb":
            return
        expr = reporting.enriched_export(enriched, window)
        export = reporting.BackgroundExport(backend, expr, folder.staging / ENRICHED)
        folder.on_close(export.close)

    bundle = compute_bundle(backend, tables, ctx, policies, settings, window, step, start_export)
    step("CSAT drivers")
    key = _model_key(settings, fingerprint.result()["sha256"])
    drivers = driver_section(backend, tables, ctx, settings, key)
    if drivers.status == "ok":
        drivers.model["path"] = str(settings.models_dir / driver_store.MODEL_FILE)
    anomalies, source = _anomalies(settings, bundle)
    context = _context(settings, data, source)
    step("rendering the report")
    html = render_report(bundle, drivers, anomalies, context)
    summary = reporting.summary_payload(bundle, drivers, context)
    return RunResult(bundle, drivers, summary, html, data, backend, export=export)


def _write(
    settings: AnalyticsSettings,
    result: RunResult,
    fingerprint: dict[str, Any],
    step: StepClock,
    folder: RunFolder,
) -> Path:
    bundle = result.bundle
    staging = folder.staging
    step("writing tickets_enriched.parquet")
    if result.export is not None:
        enriched_rows = result.export.result()
    else:
        export = reporting.enriched_export(bundle.enriched, bundle.window)
        enriched_rows = reporting.write_enriched(result.backend, export, staging / ENRICHED)
    step("writing tables and report")
    outputs = reporting.write_bundle(staging, bundle, result.drivers, result.summary, result.html)
    outputs[ENRICHED] = {"rows": enriched_rows}
    manifest = {
        "command": "analytics",
        "created_at": utc_now().isoformat(),
        "code_version": result.summary["code_version"],
        "config": settings.resolved_config,
        "inputs": {
            "warehouse": str(settings.warehouse),
            "fingerprint": fingerprint,
            "anomalies": result.summary.get("anomalies"),
            "model": result.drivers.model or None,
        },
        "data": {"tickets": result.data.tickets, "snapshot": result.summary["snapshot"]},
        "row_counts": {name: out["rows"] for name, out in outputs.items()},
        "timings_seconds": result.timings,
        "cpu_seconds": result.cpu,
    }
    write_json_atomic(staging / "manifest.json", manifest)
    folder.commit()
    return folder.target


def run_analytics(settings: AnalyticsSettings) -> RunResult:
    """Compute, print and (unless dry-run) write the bundle. Raises AnalyticsError on bad input."""
    warehouse = Warehouse.at(settings.warehouse)
    warehouse.require_tickets()
    fingerprint = BackgroundFingerprint(warehouse)
    with contextlib.ExitStack() as stack, _progress(STEPS) as step:
        folder = None
        if not settings.dry_run:
            target = settings.output_dir or settings.outputs_root / "analytics" / run_stamp()
            folder = RunFolder(target, stack)
        result = _compute(settings, fingerprint, step, folder)
        result.timings, result.cpu = step.timings, step.cpu
        if folder is not None:
            result.output_dir = _write(settings, result, fingerprint.result(), step, folder)
    print_summary(console, result.bundle, result.drivers)
    if result.output_dir is None:
        console.print("[dim]dry run: nothing was written[/]")
    else:
        console.print(
            f"Wrote {result.output_dir}/ (report.html, summary.json, tables, manifest.json)"
        )
    return result

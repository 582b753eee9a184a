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
from tickets.analytics.loader import DataProfile, load_tables, profile
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
    settings: AnalyticsSettings, fingerprint: BackgroundFingerprint, step: StepClock
) -> RunResult:
    warehouse = Warehouse.at(settings.warehouse)
    step("starting the engine")
    backend = connect_engine(settings.engine)
    step("reading the warehouse")
    tables = load_tables(backend, warehouse)
    data = profile(backend, tables.tickets)
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
    bundle = compute_bundle(backend, tables, ctx, policies, settings, window, step)
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
    return RunResult(bundle, drivers, summary, html, data, backend)


def _write(
    settings: AnalyticsSettings, result: RunResult, fingerprint: dict[str, Any], step: StepClock
) -> Path:
    target = settings.output_dir or settings.outputs_root / "analytics" / run_stamp()
    bundle = result.bundle
    with atomic_directory(target) as staging:
        step("writing tickets_enriched.parquet")
        export = reporting.enriched_export(bundle.enriched, bundle)
        enriched_rows = reporting.write_enriched(
            result.backend, export, staging / reporting.ENRICHED_FILE
        )
        step("writing tables and report")
        outputs = reporting.write_bundle(
            staging, bundle, result.drivers, result.summary, result.html
        )
        outputs[reporting.ENRICHED_FILE] = {"rows": enriched_rows}
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
    return target


def run_analytics(settings: AnalyticsSettings) -> RunResult:
    """Compute, print and (unless dry-run) write the bundle. Raises AnalyticsError on bad input."""
    warehouse = Warehouse.at(settings.warehouse)
    warehouse.require_tickets()
    fingerprint = BackgroundFingerprint(warehouse)
    with _progress(STEPS) as step:
        result = _compute(settings, fingerprint, step)
        result.timings, result.cpu = step.timings, step.cpu
        if not settings.dry_run:
            result.output_dir = _write(settings, result, fingerprint.result(), step)
    print_summary(console, result.bundle, result.drivers)
    if result.output_dir is None:
        console.print("[dim]dry run: nothing was written[/]")
    else:
        console.print(
            f"Wrote {result.output_dir}/ (report.html, summary.json, tables, manifest.json)"
        )
    return result

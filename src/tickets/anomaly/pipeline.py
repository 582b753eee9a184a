"""Wire the detectors: plan the days, run each detector, fold duplicates, explain, write.

detect_anomalies(settings) -> AnomalyRun     (nothing written)
run_anomalies(settings)    -> AnomalyRun     (writes the run folder and the baselines)
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from tickets.anomaly import enrich
from tickets.anomaly.baselines import BaselineStore, StoredBaselines, changed_months, file_stamps
from tickets.anomaly.consolidate import CoOccurrence, fold_related
from tickets.anomaly.context import WarehouseContext, load_context
from tickets.anomaly.emerging_step import EmergingStep, run_emerging_step
from tickets.anomaly.explain import explain
from tickets.anomaly.plan import ScanPlan, plan_scan
from tickets.anomaly.records import Anomaly
from tickets.anomaly.retrieval_step import RetrievalStep, run_retrieval_step
from tickets.anomaly.sentiment_step import SentimentStep, run_sentiment_step
from tickets.anomaly.settings import AnomalySettings
from tickets.anomaly.volume_step import VolumeStep, run_volume_step
from tickets.data.duck import connect
from tickets.data.warehouse import Warehouse

Step = Callable[[str], None]


@dataclass
class AnomalyRun:
    plan: ScanPlan
    anomalies: list[Anomaly] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    not_enough_history: list[dict[str, Any]] = field(default_factory=list)
    tests: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    volume: VolumeStep | None = None
    emerging: EmergingStep | None = None
    sentiment: SentimentStep | None = None
    retrieval: RetrievalStep | None = None
    stored_used: bool = False
    output_dir: Path | None = None


class _Timer:
    def __init__(self, step: Step | None) -> None:
        self.step, self._name, self._t = step, "", time.perf_counter()
        self.timings: dict[str, float] = {}

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        if self._name:
            self.timings[self._name] = round(now - self._t, 3)
        self._name, self._t = name, now
        if self.step and name:
            self.step(name)


def detect_anomalies(settings: AnomalySettings, step: Step | None = None) -> AnomalyRun:
    """Run every configured detector on the warehouse; nothing is written."""
    timer = _Timer(step)
    warehouse = Warehouse.at(settings.warehouse)
    warehouse.require_tickets()
    con = connect()
    con.execute("SET enable_progress_bar = false")
    timer("reading the warehouse")
    ctx = load_context(con, warehouse, settings)
    stored = _stored(settings, warehouse)
    plan = plan_scan(settings, ctx.span, stored)
    if stored is not None and _backfilled(stored, warehouse, plan):
        stored = None
        plan = plan_scan(settings, ctx.span, None)
    run = AnomalyRun(plan=plan, stored_used=plan.incremental, notes=list(ctx.notes))
    _run_detectors(con, ctx, settings, stored, run, timer)
    timer("explaining")
    run.anomalies = _finish(con, ctx, settings, run)
    timer("")
    run.timings = timer.timings
    return run


def _stored(settings: AnomalySettings, warehouse: Warehouse) -> StoredBaselines | None:
    if not settings.incremental or settings.baselines_dir is None or settings.start_date is None:
        return None
    return baseline_store(settings, warehouse).load()


def baseline_store(settings: AnomalySettings, warehouse: Warehouse) -> BaselineStore:
    root = settings.baselines_dir or settings.outputs_root / "anomalies" / "baselines"
    return BaselineStore(root, warehouse, settings.fingerprint_settings())


def _backfilled(stored: StoredBaselines, warehouse: Warehouse, plan: ScanPlan) -> bool:
    """True when ticket files of months before the rescanned days changed since the store."""
    resume_month = plan.read_from.strftime("%Y-%m")
    return any(m < resume_month for m in changed_months(stored.files, file_stamps(warehouse)))


def _run_detectors(
    con: duckdb.DuckDBPyConnection,
    ctx: WarehouseContext,
    settings: AnomalySettings,
    stored: StoredBaselines | None,
    run: AnomalyRun,
    timer: _Timer,
) -> None:
    plan, source, plain = run.plan, ctx.source_sql, ctx.plain_sql
    if "volume" in settings.detectors:
        timer("volume: counting tickets per hour")
        run.volume = run_volume_step(
            con, source, plan, ctx.span, settings, stored, set(ctx.holidays)
        )
        plan = run.plan = run.volume.plan or plan
        run.tests["volume"] = run.volume.result.tests
        run.not_enough_history += run.volume.result.not_enough_history
        run.notes += run.volume.notes
    if "emerging" in settings.detectors and ctx.has_text:
        timer("emerging issues: counting terms")
        run.emerging = run_emerging_step(
            con, plain, plan, settings, stored, ctx.kb, ctx.launches, set(ctx.product_words)
        )
        run.tests["emerging"] = run.emerging.tests
        run.notes += run.emerging.notes
    elif "emerging" in settings.detectors:
        run.notes.append("emerging issues: the tickets have no subject or body; skipped")
    if "sentiment" in settings.detectors:
        timer("sentiment: scoring and change points")
        needs_segment = "segment" in settings.sentiment.families
        run.sentiment = run_sentiment_step(
            con, source if needs_segment else plain, plan, settings, stored, ctx.has_text
        )
        run.tests["sentiment"] = run.sentiment.result.tests
        run.not_enough_history += run.sentiment.result.not_enough_history
        run.notes += run.sentiment.notes
    if "retrieval_failures" in settings.detectors:
        timer("retrieval failures and feedback")
        run.retrieval = run_retrieval_step(con, plain, settings)
        run.notes += run.retrieval.notes


def _finish(
    con: duckdb.DuckDBPyConnection,
    ctx: WarehouseContext,
    settings: AnomalySettings,
    run: AnomalyRun,
) -> list[Anomaly]:
    cooccurrence = CoOccurrence.from_duckdb(
        con, ctx.plain_sql, list(ctx.families), ctx.customers_table
    )
    topics = run.emerging.findings.topic_of if run.emerging else {}
    topic_anomalies = run.emerging.findings.anomalies if run.emerging else []
    by_id = {a.id: (a, topics[a.id]) for a in topic_anomalies}
    volume = _volume_anomalies(con, ctx, settings, run, by_id)
    sentiment = run.sentiment.result.anomalies if run.sentiment else []
    joint = enrich.joint_excess_counter(con, ctx.source_sql, cooccurrence)
    found = [
        *fold_related(volume, cooccurrence=cooccurrence, joint_excess=joint),
        *fold_related(sentiment, cooccurrence=cooccurrence),
        *topic_anomalies,
        *(run.retrieval.anomalies if run.retrieval else []),
    ]
    cache = run.sentiment.cache if run.sentiment else None
    for anomaly in found:
        if anomaly.id in by_id:
            anomaly.example_ticket_ids = by_id[anomaly.id][1].examples(settings.examples)
        elif not anomaly.example_ticket_ids and anomaly.dimension != "topic":
            anomaly.example_ticket_ids = enrich.example_tickets(
                con, ctx.source_sql, anomaly, settings.examples, cache
            )
        if anomaly.type == "volume_spike" and anomaly.dimension != "topic":
            breakdown = enrich.spike_breakdown(
                con, ctx.source_sql, anomaly, list(ctx.families), settings.volume.baseline_days
            )
            if breakdown:
                anomaly.details["breakdown"] = breakdown
        anomaly.explanation = explain(anomaly)
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    return sorted(found, key=lambda a: (a.start, order.get(a.severity, 4), a.type, a.value))


def _volume_anomalies(
    con: duckdb.DuckDBPyConnection,
    ctx: WarehouseContext,
    settings: AnomalySettings,
    run: AnomalyRun,
    topics: dict[str, Any],
) -> list[Anomaly]:
    if run.volume is None:
        return []
    kept = []
    for spike in run.volume.result.anomalies:
        product = enrich.launch_traffic(
            con, ctx.source_sql, spike, ctx.launches, settings.emerging.launch_grace_days
        )
        if product is None:
            kept.append(spike)
            continue
        run.notes.append(
            f"volume: {spike.dimension}={spike.value} rose on {spike.local_start} mostly with "
            f"tickets of {product}, launched {ctx.launches[product]}: launch traffic, not an alarm"
        )
    return enrich.fold_into_topics(con, ctx.source_sql, kept, topics)


def manifest(settings: AnomalySettings, run: AnomalyRun, ctx_files: int) -> dict[str, Any]:
    from tickets.utils.version import code_version

    return {
        "command": "anomalies",
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "code_version": code_version(),
        "config": settings.resolved_config,
        "inputs": {"warehouse": str(settings.warehouse), "ticket_files": ctx_files},
        "plan": _plan_dict(run.plan),
        "incremental": run.stored_used,
        "tests": run.tests,
        "timings_seconds": run.timings,
    }


def _plan_dict(plan: ScanPlan) -> dict[str, Any]:
    return {
        "history_from": plan.first_day.isoformat(),
        "start": plan.scan_start.isoformat(),
        "end": plan.scan_end.isoformat(),
        "read_from": plan.read_from.isoformat(),
        "timezone": plan.timezone,
    }


def run_context(settings: AnomalySettings, run: AnomalyRun) -> dict[str, Any]:
    """The top-level fields of anomalies.json besides the anomalies."""
    return {
        "warehouse": str(Path(settings.warehouse).resolve()),
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "timezone": settings.timezone,
        "window": _plan_dict(run.plan),
        "detectors": list(settings.detectors),
        "incremental": run.stored_used,
        "tests": run.tests,
        "not_enough_history": run.not_enough_history,
        "notes": run.notes,
    }

"""The retrain pipeline: ingest → drift → challengers → gate → promote or keep → reports.

Each step is a function from another module; this file only orders them. The task layer
(``tickets.tasks.retrain``) builds :class:`RetrainInputs` from the config and holds the lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from tickets.analytics.settings import AnalyticsSettings
from tickets.data.adapter_spec import AdapterSpec
from tickets.data.warehouse import Warehouse
from tickets.lifecycle.challengers import (
    CategoriserTrial,
    categoriser_trial,
    driver_trial,
    index_candidate,
)
from tickets.lifecycle.champions import set_alias
from tickets.lifecycle.drift import EmbedFn
from tickets.lifecycle.gate import GateReport
from tickets.lifecycle.ingestion import inbox_files, ingest_new_data
from tickets.lifecycle.monitor import DriftOutcome, champion_predictor, monitor_drift
from tickets.lifecycle.promote import LivePaths, PromotionPlan, promote, rollback
from tickets.lifecycle.releases import IndexReleases
from tickets.lifecycle.reporting import write_gate_report
from tickets.lifecycle.settings import LifecycleSettings
from tickets.models.registry import CHAMPION
from tickets.models.settings import ModelSettings, TrackingSettings, TrainSettings
from tickets.retrieval.embedder import Embedder
from tickets.retrieval.settings import RetrievalSettings
from tickets.retrieval.static_embedder import static_of
from tickets.utils.io import write_json_atomic
from tickets.utils.logging import console
from tickets.utils.timeutil import run_stamp, utc_now


@dataclass
class RetrainInputs:
    settings: LifecycleSettings
    models: dict[str, ModelSettings]  # target → model settings
    train: TrainSettings
    tracking: TrackingSettings
    live: LivePaths
    warehouse: Path
    load_tickets: Callable[[Warehouse], pd.DataFrame]
    adapter: AdapterSpec | None = None  # inbox files are read with it
    api_export: Callable[[Path], Path] | None = None  # writes the API's tickets, returns path
    retrieval: RetrievalSettings | None = None
    embedder: Callable[[], Embedder] | None = None
    kb_file: Path | None = None
    analytics: AnalyticsSettings | None = None


@dataclass
class RetrainOutcome:
    run_id: str
    folder: Path
    report: GateReport
    drift: DriftOutcome | None = None
    trials: list[CategoriserTrial] = field(default_factory=list)
    promoted: bool = False


def _embed(inputs: RetrainInputs) -> EmbedFn | None:
    if inputs.embedder is None:
        return None
    embedder = inputs.embedder()
    static = static_of(embedder)  # drift thresholds are set for MiniLM's own vectors
    model = embedder if static is None else static.teacher
    return lambda texts: model.embed(texts)


def run_drift(
    inputs: RetrainInputs, folder: Path, frame: pd.DataFrame | None = None
) -> DriftOutcome:
    """The drift report of the warehouse, with the first target's champion for predictions."""
    from tickets.lifecycle.champions import alias_version, model_uri
    from tickets.models.pyfunc import load_classifier

    if frame is None:
        frame = inputs.load_tickets(Warehouse.at(inputs.warehouse))
    target = inputs.settings.targets[0]
    name = inputs.models[target].registered_name
    version = alias_version(inputs.tracking, name)
    predict = champion_predictor(load_classifier(model_uri(name, version))) if version else None
    return monitor_drift(frame, inputs.settings, folder, embed=_embed(inputs), predict=predict)


def run_retrain(inputs: RetrainInputs) -> RetrainOutcome:
    s = inputs.settings
    run_id = run_stamp()
    folder = s.runs_dir / run_id
    report = GateReport(run_id, utc_now().isoformat(timespec="seconds"), s.dry_run, s.force)
    outcome = RetrainOutcome(run_id, folder, report)
    warehouse = Warehouse.at(inputs.warehouse)
    _ingest(inputs, warehouse, folder, report)
    frame = inputs.load_tickets(warehouse)
    outcome.drift = run_drift(inputs, folder, frame)
    report.notes.append(
        f"drift: {'flagged' if outcome.drift.report.flagged else 'none flagged'}"
        f" (see {folder}/drift.md)"
    )
    for target in s.targets:
        console.print(f"training the [bold]{target}[/] challenger…")
        trial = categoriser_trial(
            frame, inputs.models[target], inputs.train, inputs.tracking, s, folder
        )
        outcome.trials.append(trial)
        report.decisions.append(trial.decision)
    plan = PromotionPlan(run_id, "forced" if s.force else "gate")
    for trial in outcome.trials:
        if (trial.decision.passed or s.force) and trial.challenger_version:
            plan.models[trial.registered_name] = trial.challenger_version
            plan.before[trial.registered_name] = trial.champion_version
        elif trial.champion_version is None and trial.challenger_version and not s.dry_run:
            # registration made the first-ever version champion; the gate said no
            set_alias(inputs.tracking, trial.registered_name, CHAMPION, None)
    if inputs.analytics is not None and s.drivers.enabled:
        _drivers(inputs, folder, plan, report)
    if plan.models and inputs.retrieval is not None and s.index_enabled and not s.dry_run:
        _index(inputs, warehouse, run_id, plan, report)
    if s.dry_run or plan.empty:
        report.actions.append(
            "dry run: nothing promoted"
            if s.dry_run
            else "kept the champions: no challenger passed the gate"
        )
    else:
        report.actions += promote(plan, inputs.tracking, inputs.live)
        outcome.promoted = True
        IndexReleases(inputs.live.index).prune(s.keep_index_releases)
    write_gate_report(folder, report)
    write_last_run(s, run_id, "ok", outcome.promoted)
    return outcome


def _ingest(inputs: RetrainInputs, warehouse: Warehouse, folder: Path, report: GateReport) -> None:
    s = inputs.settings
    files = inbox_files(s.inbox) if inputs.adapter is not None else []
    export = (
        inputs.api_export(folder / "api_tickets.parquet")
        if s.api_db and inputs.api_export
        else None
    )
    if not files and export is None:
        report.notes.append("ingest: no new files in the inbox and the API database is not pulled")
        return
    assert inputs.adapter is not None or not files
    result = ingest_new_data(files, inputs.adapter or AdapterSpec("canonical"), warehouse, export)
    write_json_atomic(folder / "ingest.json", result.files)
    report.notes.append(
        f"ingest: {len(result.files)} file(s), {result.new_tickets} new or updated tickets"
    )


def _drivers(inputs: RetrainInputs, folder: Path, plan: PromotionPlan, report: GateReport) -> None:
    assert inputs.analytics is not None
    console.print("training the satisfaction driver challenger…")
    decision, source, note = driver_trial(inputs.analytics, inputs.settings, folder)
    report.notes.append(note)
    if decision is None:
        return
    report.decisions.append(decision)
    if decision.passed or inputs.settings.force:
        plan.drivers_source = source


def _index(
    inputs: RetrainInputs,
    warehouse: Warehouse,
    run_id: str,
    plan: PromotionPlan,
    report: GateReport,
) -> None:
    assert inputs.retrieval is not None and inputs.embedder is not None
    console.print("extending the retrieval index…")
    release, built = index_candidate(
        warehouse, inputs.live.index, run_id, inputs.retrieval, inputs.embedder(), inputs.kb_file
    )
    report.notes.append(
        f"index: {built.mode}, {built.tickets} tickets (+{built.new_tickets} new), "
        f"{built.kb_articles} KB articles"
    )
    plan.index_release = release


def run_rollback(inputs: RetrainInputs) -> list[str] | None:
    run_id = f"rollback-{run_stamp()}"
    actions = rollback(run_id, inputs.tracking, inputs.live)
    write_last_run(inputs.settings, run_id, "ok", actions is not None)
    return actions


def write_last_run(settings: LifecycleSettings, run_id: str, status: str, changed: bool) -> None:
    payload: dict[str, Any] = {
        "run_id": run_id,
        "status": status,
        "changed": changed,
        "finished_at": utc_now().isoformat(timespec="seconds"),
    }
    write_json_atomic(settings.output_dir / "last_run.json", payload)

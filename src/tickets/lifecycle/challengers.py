"""Train the challengers and judge each against its champion.

- categoriser, per target: ``tickets.models.train.train_categorizer`` on the non-holdout
  tickets (registered as a new version with alias ``challenger``), then both models scored on
  the same fixed holdout and recent window, then the gate;
- satisfaction drivers: ``tickets.analytics.pipeline.run_analytics`` with a fresh model folder
  (the driver model is part of analytics; its own holdout R² is the metric);
- retrieval index: a release folder seeded with the live index, extended with new tickets.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from tickets.analytics import driver_store
from tickets.analytics.settings import AnalyticsSettings
from tickets.data.warehouse import Warehouse
from tickets.lifecycle.champions import alias_version, model_uri
from tickets.lifecycle.datasets import labelled_sets
from tickets.lifecycle.evaluation import gate_entry
from tickets.lifecycle.gate import GateDecision, gate_categoriser, gate_drivers
from tickets.lifecycle.releases import IndexReleases, driver_files_present
from tickets.lifecycle.settings import LifecycleSettings
from tickets.models.settings import ModelSettings, TrackingSettings, TrainSettings
from tickets.retrieval.builder import BuildReport
from tickets.retrieval.embedder import Embedder
from tickets.retrieval.settings import RetrievalSettings
from tickets.utils.logging import console


@dataclass
class CategoriserTrial:
    target: str
    registered_name: str
    champion_version: str | None  # before this run
    challenger_version: str | None  # None on --dry-run (nothing registered)
    decision: GateDecision
    sets: dict[str, int]
    reports: Path


def categoriser_trial(
    frame: pd.DataFrame,
    model: ModelSettings,
    train: TrainSettings,
    tracking: TrackingSettings,
    settings: LifecycleSettings,
    run_dir: Path,
) -> CategoriserTrial:
    from tickets.models.factory import output_model
    from tickets.models.pyfunc import load_classifier
    from tickets.models.train import train_categorizer

    target, name = model.target, model.registered_name
    sets = labelled_sets(frame, target, settings.holdout, settings.recent_days)
    if sets.holdout.empty:
        raise ValueError(
            f"no labelled {target!r} tickets fall in the fixed holdout ({len(frame)} tickets); "
            "the gate needs some: ingest more data or raise lifecycle.holdout.fraction"
        )
    champion_version = alias_version(tracking, name)
    champion = None
    if champion_version is not None:
        classifier = load_classifier(model_uri(name, champion_version))
        champion = gate_entry(
            "champion",
            classifier,
            sets.holdout,
            sets.recent,
            target,
            champion_version,
            settings.latency_samples,
        )
    register = dataclasses.replace(train, register=not settings.dry_run)
    outcome = train_categorizer(sets.train, model, register, tracking, run_dir / target)
    version = outcome.registration.version if outcome.registration else None
    fitted = output_model(outcome.classifier, model.outputs[-1])
    challenger = gate_entry(
        "challenger", fitted, sets.holdout, sets.recent, target, version, settings.latency_samples
    )
    decision = gate_categoriser(f"categorizer:{target}", champion, challenger, settings.gate)
    return CategoriserTrial(
        target, name, champion_version, version, decision, sets.counts(), run_dir / target
    )


def driver_trial(
    analytics: AnalyticsSettings, settings: LifecycleSettings, run_dir: Path
) -> tuple[GateDecision | None, Path, str]:
    """Train the driver challenger into ``run_dir/drivers``; (decision, folder, note)."""
    from tickets.analytics.pipeline import run_analytics

    folder = run_dir / "drivers"
    trial = dataclasses.replace(
        analytics,
        models_dir=folder,
        refresh_models=True,
        dry_run=False,
        output_dir=run_dir / "analytics",
    )
    with console.capture():  # the analytics summary belongs to 'analytics', not here
        result = run_analytics(trial)
    if result.drivers.status != "ok" or not driver_files_present(folder):
        return None, folder, f"driver model not retrained: {result.drivers.message}"
    challenger = _driver_metrics(driver_store.load_metadata(folder))
    saved = driver_store.load_metadata(analytics.models_dir)
    champion = _driver_metrics(saved) if saved else None
    decision = gate_drivers(champion, challenger, settings.drivers)
    return decision, folder, "driver model retrained"


def _driver_metrics(metadata: dict[str, Any] | None) -> dict[str, Any]:
    assert metadata is not None
    metrics = metadata.get("metrics", {})
    return {
        "version": metadata.get("trained_at"),
        "holdout_r2": round(float(metrics.get("holdout_r2", float("nan"))), 4),
        "holdout_mae": round(float(metrics.get("holdout_mae", float("nan"))), 4),
        "baseline_mae": round(float(metrics.get("baseline_mae", float("nan"))), 4),
        "data_fingerprint": metadata.get("data_fingerprint"),
        "rows": metadata.get("rows"),
    }


def index_candidate(
    warehouse: Warehouse,
    live_index: Path,
    run_id: str,
    retrieval: RetrievalSettings,
    embedder: Embedder,
    kb_file: Path | None = None,
) -> tuple[Path | None, BuildReport]:
    """Build the next index release; (None, report) when nothing changed since the live one."""
    import shutil

    from tickets.retrieval.builder import build_index
    from tickets.retrieval.corpus import load_corpus

    corpus = load_corpus(warehouse, retrieval.graph.issue_column, kb_file)
    releases = IndexReleases(live_index)
    candidate = releases.candidate(run_id)
    sources: dict[str, object] = {
        "warehouse": str(warehouse.root),
        "kb": str(kb_file) if kb_file else None,
    }
    report = build_index(corpus, candidate, retrieval, embedder, sources=sources)
    if report.mode == "unchanged" and releases.current() is not None:
        shutil.rmtree(candidate, ignore_errors=True)
        return None, report
    return candidate, report

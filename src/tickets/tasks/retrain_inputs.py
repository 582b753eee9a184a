"""Typed lifecycle settings and retrain inputs from the composed config (``lifecycle``,
``model``, ``train``, ``tracking``, ``retrieval``, ``analytics``, ``data``, ``paths``)."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from tickets.data.adapter_spec import AdapterSpec
from tickets.lifecycle.promote import LivePaths
from tickets.lifecycle.retrain import RetrainInputs
from tickets.lifecycle.settings import (
    AlertSettings,
    DriftSettings,
    DriverGate,
    GateThresholds,
    HoldoutSettings,
    LifecycleSettings,
    LockSettings,
)
from tickets.tasks.categorize_inputs import (
    model_settings,
    tracking_settings,
    train_settings,
    warehouse_tickets,
)


def _plain(node: Any) -> dict[str, Any]:
    return OmegaConf.to_container(node, resolve=True)  # type: ignore[return-value]


def _drift_settings(cfg: DictConfig) -> DriftSettings:
    values: dict[str, Any] = {
        k: tuple(v) if isinstance(v, list) else v for k, v in _plain(cfg.lifecycle.drift).items()
    }
    return DriftSettings(recent_days=int(cfg.lifecycle.recent_days), seed=int(cfg.seed), **values)


def _alert_settings(cfg: DictConfig) -> AlertSettings:
    values = _plain(cfg.lifecycle.alerts)
    folder = values.pop("anomalies_dir", None)
    return AlertSettings(**values, anomalies_dir=Path(folder) if folder else None)


def lifecycle_settings(cfg: DictConfig) -> LifecycleSettings:
    lc = cfg.lifecycle
    return LifecycleSettings(
        output_dir=Path(lc.output_dir),
        targets=tuple(str(t) for t in lc.targets),
        dry_run=bool(lc.dry_run),
        force=bool(lc.force),
        inbox=Path(lc.ingest.inbox) if lc.ingest.inbox else None,
        api_db=bool(lc.ingest.api_db),
        holdout=HoldoutSettings(float(lc.holdout.fraction), str(lc.holdout.salt)),
        recent_days=int(lc.recent_days),
        latency_samples=int(lc.latency_samples),
        gate=GateThresholds(**_plain(lc.gate)),
        drivers=DriverGate(**_plain(lc.drivers)),
        index_enabled=bool(lc.index.enabled),
        keep_index_releases=int(lc.index.keep_releases),
        drift=_drift_settings(cfg),
        alerts=_alert_settings(cfg),
        lock=LockSettings(Path(lc.lock.path), str(lc.lock.mode), float(lc.lock.wait_timeout_s)),  # type: ignore[arg-type]
        schedule={str(k): str(v) for k, v in lc.schedule.items()},
    )


def retrain_inputs(cfg: DictConfig, settings: LifecycleSettings) -> RetrainInputs:
    from tickets.retrieval.embedder import make_embedder
    from tickets.tasks.analytics import settings_from_config
    from tickets.tasks.index import retrieval_settings

    base = model_settings(cfg)
    retrieval = retrieval_settings(cfg)
    cache = Path(cfg.retrieval.embedding_cache) if retrieval.dense.cache else None
    embedder = functools.cache(lambda: make_embedder(retrieval.dense, cache))
    return RetrainInputs(
        settings=settings,
        models={t: dataclasses.replace(base, target=t) for t in settings.targets},
        train=train_settings(cfg),
        tracking=tracking_settings(cfg),
        live=LivePaths(Path(cfg.paths.index), Path(cfg.paths.models), settings.output_dir),
        warehouse=Path(cfg.paths.warehouse),
        load_tickets=warehouse_tickets,
        adapter=AdapterSpec.from_mapping(_plain(cfg.data)),
        api_export=functools.partial(_export_api, cfg),
        retrieval=retrieval,
        embedder=embedder,
        kb_file=Path(cfg.retrieval.kb) if cfg.retrieval.kb else None,
        analytics=settings_from_config(cfg) if settings.drivers.enabled else None,
    )


def _export_api(cfg: DictConfig, target: Path) -> Path:
    from tickets.tasks.serve import export_api_db

    return export_api_db(cfg, target)

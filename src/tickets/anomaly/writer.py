"""``run_anomalies``: detect, write the run folder atomically, and save the baselines."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from tickets.anomaly.baselines import KEEP_DAYS, StoredBaselines, file_stamps, trim_days
from tickets.anomaly.pipeline import (
    AnomalyRun,
    Step,
    baseline_store,
    detect_anomalies,
    manifest,
    run_context,
)
from tickets.anomaly.reporting import kb_gap_payload, write_outputs
from tickets.anomaly.settings import AnomalySettings
from tickets.data.warehouse import Warehouse
from tickets.utils.io import atomic_directory
from tickets.utils.timeutil import run_stamp

log = logging.getLogger(__name__)


def run_anomalies(settings: AnomalySettings, step: Step | None = None) -> AnomalyRun:
    run = detect_anomalies(settings, step)
    warehouse = Warehouse.at(settings.warehouse)
    target = settings.output_dir or settings.outputs_root / "anomalies" / run_stamp()
    retrieval = run.retrieval
    kb_report = kb_gap_payload(
        run.anomalies,
        {
            "failure_rates": retrieval.failure_rates if retrieval else [],
            "negative_feedback": retrieval.feedback_rates if retrieval else [],
        },
        {
            "text_topics": run.emerging is not None,
            **(retrieval.sources if retrieval else {}),
        },
    )
    with atomic_directory(target) as staging:
        write_outputs(
            staging,
            run.anomalies,
            run_context(settings, run),
            kb_report,
            manifest(settings, run, len(warehouse.ticket_files())),
        )
    run.output_dir = Path(target)
    if settings.incremental and settings.baselines_dir is not None:
        save_baselines(settings, warehouse, run)
    return run


def save_baselines(settings: AnomalySettings, warehouse: Warehouse, run: AnomalyRun) -> Path:
    """Keep the last KEEP_DAYS days of every aggregate for the next incremental run."""
    plan = run.plan
    earliest = pd.Timestamp(plan.last_day) - pd.Timedelta(days=KEEP_DAYS - 1)
    frames: dict[str, pd.DataFrame] = {}
    if run.volume is not None:
        hours = run.volume.hourly
        frames["hourly"] = hours[
            pd.to_datetime(hours["hour"], utc=True) >= earliest.tz_localize("UTC")
        ]
    if run.emerging is not None and run.emerging.term_counts is not None:
        frames["term_counts"] = trim_days(run.emerging.term_counts, "day", earliest)
        frames["term_docs"] = trim_days(run.emerging.term_docs, "day", earliest)  # type: ignore[arg-type]
    if run.sentiment is not None and run.sentiment.rows is not None:
        frames["sentiment"] = trim_days(run.sentiment.rows, "day", earliest)
    stored = StoredBaselines(
        through=plan.last_day,
        frames=frames,
        csat_sql=run.sentiment.csat_sql if run.sentiment else None,
        profile=run.volume.profile if run.volume else None,
        files=file_stamps(warehouse),
    )
    folder = baseline_store(settings, warehouse).save(stored)
    log.info("saved anomaly baselines to %s", folder)
    return folder

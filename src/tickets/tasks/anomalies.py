"""``python main.py anomalies``: turn the composed config into typed settings, run the
detectors, write the run folder and print what was found. Bad input ends with a message and an
exit code, never a traceback."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf
from rich.table import Table

from tickets.anomaly.errors import AnomalyError
from tickets.anomaly.settings import (
    AnomalySettings,
    EmergingSettings,
    RetrievalFailureSettings,
    SentimentSettings,
    VolumeSettings,
)
from tickets.data.warehouse import WarehouseError
from tickets.utils.logging import console

log = logging.getLogger(__name__)


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _path(value: Any) -> Path | None:
    return None if value in (None, "") else Path(str(value))


def _section(cls: Any, node: DictConfig, **overrides: Any) -> Any:
    raw = OmegaConf.to_container(node, resolve=True)
    assert isinstance(raw, dict)
    fields: dict[str, Any] = {
        str(k): (tuple(v) if isinstance(v, list) else v) for k, v in raw.items()
    }
    unknown = sorted(set(fields) - set(cls.__dataclass_fields__))
    if unknown:
        raise ValueError(
            f"unknown anomaly settings {unknown}; conf/anomaly/default.yaml lists them"
        )
    return cls(**{**fields, **overrides})


def settings_from_config(cfg: DictConfig) -> AnomalySettings:
    a = cfg.anomaly
    return AnomalySettings(
        warehouse=Path(cfg.paths.warehouse),
        outputs_root=Path(cfg.paths.outputs),
        output_dir=_path(a.output_dir),
        start_date=_date(a.start_date),
        end_date=_date(a.end_date),
        timezone=str(cfg.reporting_timezone),
        detectors=tuple(a.detectors),
        holidays=tuple(_date(d) for d in a.holidays or []),  # type: ignore[misc]
        use_warehouse_holidays=bool(a.use_warehouse_holidays),
        examples=int(a.examples),
        baselines_dir=_path(a.baselines_dir),
        incremental=bool(a.incremental),
        refit_days=int(a.refit_days),
        volume=_section(VolumeSettings, a.volume),
        emerging=_section(EmergingSettings, a.emerging),
        sentiment=_section(
            SentimentSettings, a.sentiment, cache_dir=Path(str(a.sentiment.cache_dir))
        ),
        retrieval=_section(
            RetrievalFailureSettings,
            a.retrieval_failures,
            failure_log=_path(a.retrieval_failures.failure_log),
            feedback_log=_path(a.retrieval_failures.feedback_log),
        ),
        resolved_config=OmegaConf.to_container(cfg, resolve=True),  # type: ignore[arg-type]
    )


def run(cfg: DictConfig) -> int:
    from tickets.anomaly.writer import run_anomalies
    from tickets.utils.progress import progress_bar

    try:
        settings = settings_from_config(cfg)
        with progress_bar() as progress:
            task = progress.add_task("anomalies", total=None)
            result = run_anomalies(settings, lambda name: progress.update(task, description=name))
    except (AnomalyError, WarehouseError, ValueError) as err:
        console.print(f"[red]anomalies:[/] {err}")
        return getattr(err, "exit_code", 2)
    except Exception as err:  # the last line of defence: a message, not a traceback
        log.debug("anomalies failed", exc_info=True)
        console.print(
            f"[red]anomalies failed:[/] {type(err).__name__}: {err}\n"
            "Run again with log_level=DEBUG for the full traceback."
        )
        return 1
    _print(result)
    return 0


def _print(result: Any) -> None:
    plan = result.plan
    table = Table(title=f"anomalies {plan.scan_start} .. {plan.scan_end} ({plan.timezone})")
    for column in ("start", "type", "where", "severity", "explanation"):
        table.add_column(column, overflow="fold")
    for a in result.anomalies[:40]:
        table.add_row(
            str(a.local_start), a.type, f"{a.dimension}={a.value}", a.severity, a.explanation
        )
    console.print(table)
    if len(result.anomalies) > 40:
        console.print(f"... and {len(result.anomalies) - 40} more in anomalies.json")
    for note in result.notes:
        console.print(f"[dim]note:[/] {note}")
    short = result.not_enough_history
    if short:
        console.print(
            f"[yellow]not enough history[/] for {len(short)} series (see not_enough_history in "
            "anomalies.json); their early days were not scored"
        )
    mode = "incremental (stored baselines reused)" if result.stored_used else "full"
    console.print(
        f"Wrote {result.output_dir}/ (anomalies.json, anomalies.parquet, "
        f"kb_gap_report.md); {mode} run"
    )

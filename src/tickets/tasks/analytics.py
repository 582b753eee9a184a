"""``python main.py analytics``: turn the composed config into typed settings and run the
pipeline. Bad input ends with a message and an exit code, never a traceback."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from tickets.analytics.business_time import BusinessCalendar
from tickets.analytics.errors import AnalyticsError
from tickets.analytics.settings import (
    AnalyticsSettings,
    DriverSettings,
    EngineSettings,
    SlaSettings,
    SlaTarget,
)
from tickets.analytics.sla import holidays_from_conf
from tickets.data.warehouse import WarehouseError
from tickets.utils.logging import console

log = logging.getLogger(__name__)


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def sla_settings(sla: DictConfig) -> SlaSettings:
    cal = sla.calendar
    calendar = BusinessCalendar(
        timezone=str(cal.timezone),
        working_days=tuple(int(d) for d in cal.working_days),
        work_start=str(cal.work_start),
        work_end=str(cal.work_end),
        holidays=holidays_from_conf(list(cal.holidays or [])),
    ).validate("conf sla.calendar")
    targets = {
        str(priority): SlaTarget(t.get("first_response"), t.get("resolution"))
        for priority, t in sla.targets.items()
    }
    clock = str(sla.clock)
    if clock not in ("business", "calendar"):
        raise AnalyticsError(f"sla.clock={clock!r}: choose business or calendar")
    return SlaSettings(clock, calendar, targets)  # type: ignore[arg-type]


def _container(node: Any) -> dict[str, Any]:
    if node is None:
        return {}
    return OmegaConf.to_container(node, resolve=True) if OmegaConf.is_config(node) else dict(node)  # type: ignore[return-value]


def _flatten(mapping: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """{'spark': {'sql': {'x': False}}} or {'spark.sql.x': False} → {'spark.sql.x': 'false'}."""
    flat: dict[str, str] = {}
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value).lower() if isinstance(value, bool) else str(value)
    return flat


def engine_settings(engine: DictConfig) -> EngineSettings:
    return EngineSettings(
        name=str(engine.name),  # type: ignore[arg-type]
        threads=engine.get("threads"),
        memory_limit=engine.get("memory_limit"),
        master=str(engine.get("master", "local[*]")),
        driver_memory=str(engine.get("driver_memory", "4g")),
        shuffle_partitions=int(engine.get("shuffle_partitions", 8)),
        spark_conf=_flatten(_container(engine.get("conf"))),
    )


def driver_settings(a: DictConfig, seed: int) -> DriverSettings:
    return DriverSettings(
        min_responses=int(a.driver_min_responses),
        bootstrap_rounds=int(a.bootstrap_rounds),
        max_training_rows=int(a.driver_max_training_rows),
        num_boost_round=int(a.driver_num_boost_round),
        threads=int(a.driver_threads),
        seed=seed,
    )


def settings_from_config(cfg: DictConfig) -> AnalyticsSettings:
    a = cfg.analytics
    low, high = (float(v) for v in a.csat_scale)
    return AnalyticsSettings(
        warehouse=Path(cfg.paths.warehouse),
        outputs_root=Path(cfg.paths.outputs),
        models_dir=Path(cfg.paths.models),
        sla=sla_settings(cfg.sla),
        engine=engine_settings(cfg.engine),
        drivers=driver_settings(a, int(cfg.seed)),
        reporting_timezone=str(cfg.reporting_timezone),
        start_date=_date(a.start_date),
        end_date=_date(a.end_date),
        window_days=int(a.window_days),
        agent_ids=tuple(str(x) for x in (a.agent_ids or [])),
        output_dir=Path(a.output_dir) if a.output_dir else None,
        dry_run=bool(a.dry_run),
        refresh_models=bool(a.refresh_models),
        satisfied_threshold=float(a.satisfied_threshold),
        csat_scale=(low, high),
        anomalies=None if a.anomalies in (None, "") else str(a.anomalies),
        resolved_config=OmegaConf.to_container(cfg, resolve=True),  # type: ignore[arg-type]
    )


def run(cfg: DictConfig) -> int:
    from tickets.analytics.pipeline import run_analytics

    try:
        settings = settings_from_config(cfg)
        run_analytics(settings)
    except (AnalyticsError, WarehouseError, ValueError) as err:
        console.print(f"[red]analytics:[/] {err}")
        return getattr(err, "exit_code", 1)
    except Exception as err:  # the last line of defence: a message, not a traceback
        log.debug("analytics failed", exc_info=True)
        console.print(
            f"[red]analytics failed:[/] {type(err).__name__}: {err}\n"
            "Run again with log_level=DEBUG for the full traceback."
        )
        return 1
    return 0

"""The CSAT drivers section: reuse a compatible saved model, or train one on the warehouse's
rated tickets (all history, sampled to a cap), and say so plainly when CSAT is too sparse."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

import ibis.expr.types as ir
import pandas as pd
from ibis.backends import BaseBackend

from tickets.analytics import driver_store
from tickets.analytics.drivers import FEATURES, TARGET, fit_drivers
from tickets.analytics.enrich import EnrichContext, enrich
from tickets.analytics.loader import WarehouseTables
from tickets.analytics.settings import AnalyticsSettings
from tickets.utils.timeutil import utc_now

DRIVER_COLUMNS = [
    "rank",
    "feature",
    "kind",
    "direction",
    "importance",
    "importance_ci_low",
    "importance_ci_high",
    "effect",
    "effect_ci_low",
    "effect_ci_high",
    "direction_agreement",
    "mean_abs_contribution",
    "levels",
]


@dataclass
class DriverSection:
    status: Literal["ok", "sparse"]
    message: str
    drivers: list[dict[str, Any]] = field(default_factory=list)
    model: dict[str, Any] = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.drivers, columns=DRIVER_COLUMNS)
        frame["levels"] = frame["levels"].map(_levels_text)
        return frame


def _levels_text(levels: Any) -> str:
    if not levels:
        return ""
    return "; ".join(f"{k} {v:+.2f}" for k, v in levels.items())


def _rated_tickets(tickets: ir.Table) -> ir.Table:
    """Scored tickets with a resolution (filtered before the joins, so they stay cheap)."""
    return tickets.filter(tickets.satisfaction_score.notnull(), tickets.resolved_at.notnull())


def _training_frame(
    backend: BaseBackend, tables: WarehouseTables, ctx: EnrichContext, cap: int, total: int
) -> pd.DataFrame:
    base = _rated_tickets(tables.tickets)
    if total > cap:  # a deterministic sample: the same tickets every run
        keep = max(1, int(1_000_000 * cap / total))
        base = base.filter((base.ticket_id.hash() % 1_000_000).abs() < keep)
    rated = enrich(base, tables.customers, tables.agents, ctx)
    rated = rated.filter(rated.is_resolved)
    columns = {name: rated[name] for name in FEATURES if name != "sla_breach"}
    columns["sla_breach"] = rated.sla_breach.coalesce(rated.sla_breached).cast("float64")
    frame = rated.select("ticket_id", TARGET, **columns).order_by("ticket_id")
    return backend.execute(frame)


def driver_section(
    backend: BaseBackend,
    tables: WarehouseTables,
    ctx: EnrichContext,
    settings: AnalyticsSettings,
    key: driver_store.ModelKey,
) -> DriverSection:
    models_dir = settings.models_dir
    saved = driver_store.load_metadata(models_dir)
    reason = (
        "--refresh-models" if settings.refresh_models else driver_store.incompatibility(saved, key)
    )
    if reason is None and saved is not None:
        return _section(saved, reused=True, note="reused the saved model")
    rated = _rated_tickets(tables.tickets)
    stats = backend.execute(
        rated.aggregate(
            n=rated.count(), first=rated.resolved_at.min(), last=rated.resolved_at.max()
        )
    ).iloc[0]
    total = int(stats["n"])
    needed = settings.drivers.min_responses
    if total < needed:
        return DriverSection(
            "sparse",
            f"Not enough CSAT responses to model satisfaction drivers: the warehouse has "
            f"{total} rated, resolved tickets and the model needs at least {needed} "
            "(analytics.driver_min_responses).",
        )
    frame = _training_frame(backend, tables, ctx, settings.drivers.max_training_rows, total)
    fitted = fit_drivers(frame, settings.drivers)
    metadata = {
        **key.as_dict(),
        "trained_at": utc_now().isoformat(),
        "training_window": {
            "first_resolved": _iso(stats["first"]),
            "last_resolved": _iso(stats["last"]),
        },
        "rated_tickets": total,
        "rows": fitted.rows,
        "metrics": fitted.metrics,
        "lightgbm_version": _lightgbm_version(),
        "drivers": fitted.drivers,
    }
    payload = {
        "model_text": fitted.model_text,
        "categories": fitted.categories,
        "features": list(FEATURES),
    }
    if not settings.dry_run:
        driver_store.save_model(models_dir, payload, metadata)
    note = f"trained a new model ({reason})"
    return _section(metadata, reused=False, note=note)


def _section(metadata: dict[str, Any], reused: bool, note: str) -> DriverSection:
    model = {k: v for k, v in metadata.items() if k != "drivers"}
    model["reused"] = reused
    return DriverSection("ok", note, drivers=list(metadata["drivers"]), model=model)


def _iso(value: Any) -> str | None:
    if value is None or value != value:
        return None
    stamp = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    return stamp.isoformat() if isinstance(stamp, dt.datetime) else str(stamp)


def _lightgbm_version() -> str:
    import lightgbm

    return str(lightgbm.__version__)

"""Promotion and rollback: move the champions, swap the index, install the driver model, record
what was replaced, and rewrite the champion marker last (the API's reload signal).

Order matters for readers: the registry alias moves first, then the index symlink, then the
driver files; the marker is written only when all three are in place, so a service reloading
on the marker sees a consistent set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tickets.lifecycle import history
from tickets.lifecycle.champions import alias_version, move_champion
from tickets.lifecycle.releases import IndexReleases, copy_drivers, install_drivers
from tickets.models.settings import TrackingSettings
from tickets.utils.champion import read_champion_marker, write_champion_marker
from tickets.utils.timeutil import utc_now


@dataclass(frozen=True)
class LivePaths:
    index: Path  # paths.index
    models_dir: Path  # paths.models: driver model files and the CHAMPION marker
    lifecycle_dir: Path  # history.json, releases/<run>/drivers_replaced

    @property
    def history(self) -> Path:
        return self.lifecycle_dir / "history.json"


@dataclass
class PromotionPlan:
    run_id: str
    reason: str  # gate | forced
    models: dict[str, str] = field(default_factory=dict)  # registered name → version
    # champion before this run (registering a model's first version makes it champion at once)
    before: dict[str, str | None] = field(default_factory=dict)
    index_release: Path | None = None
    drivers_source: Path | None = None

    @property
    def empty(self) -> bool:
        return not self.models and self.index_release is None and self.drivers_source is None


def promote(plan: PromotionPlan, tracking: TrackingSettings, live: LivePaths) -> list[str]:
    """Apply ``plan``; returns one line per action, for the gate report."""
    record = history.new_record(plan.run_id, plan.reason)
    actions = []
    for name, version in plan.models.items():
        replaced = move_champion(tracking, name, version)
        before = plan.before.get(name, replaced)
        record["models"][name] = {"from": before, "to": version}
        actions.append(f"champion of {name}: {before or 'none'} → {version}")
    if plan.index_release is not None:
        served = IndexReleases(live.index).swap_to(plan.index_release)
        record["index"] = {"from": _text(served), "to": str(plan.index_release)}
        actions.append(f"index {live.index} → {plan.index_release} (was {served or 'none'})")
    if plan.drivers_source is not None:
        snapshot = live.lifecycle_dir / "releases" / plan.run_id / "drivers_replaced"
        replaced_model = install_drivers(plan.drivers_source, live.models_dir, snapshot)
        record["drivers"] = {"from": _text(replaced_model), "to": str(plan.drivers_source)}
        actions.append(f"driver model ← {plan.drivers_source}")
    history.append_record(live.history, record)
    write_marker(live, tracking, "promote", plan.run_id, list(plan.models))
    return actions


def rollback(run_id: str, tracking: TrackingSettings, live: LivePaths) -> list[str] | None:
    """Undo the newest promotion still in force; None when there is nothing to roll back."""
    records = history.load_history(live.history)
    at = history.last_active(records)
    if at is None:
        return None
    record = records[at]
    actions = []
    for name, move in record["models"].items():
        move_champion(tracking, name, move["from"])
        actions.append(
            f"champion of {name}: {move['to']} → {move['from'] or 'none (alias removed)'}"
        )
    if record.get("index"):
        before = record["index"]["from"]
        IndexReleases(live.index).swap_to(Path(before) if before else None)
        actions.append(f"index {live.index} → {before or 'removed'}")
    if record.get("drivers"):
        before = record["drivers"]["from"]
        copy_drivers(Path(before) if before else None, live.models_dir)
        actions.append(f"driver model ← {before or 'removed'}")
    history.mark_rolled_back(live.history, at, run_id)
    write_marker(live, tracking, "rollback", run_id, list(record["models"]))
    return [f"rolled back promotion {record['run_id']} of {record['at']}", *actions]


def write_marker(
    live: LivePaths,
    tracking: TrackingSettings,
    action: str,
    run_id: str,
    changed: list[str],
) -> Path:
    previous = read_champion_marker(live.models_dir) or {}
    models: dict[str, Any] = dict(previous.get("models") or {})
    for name in changed:
        models[name] = alias_version(tracking, name)
    releases = IndexReleases(live.index)
    current = releases.current()
    payload = {
        "release": run_id,
        "action": action,
        "updated_at": utc_now().isoformat(timespec="seconds"),
        "models": models,
        "index": str(live.index),
        "index_release": str(current) if current else None,
        "drivers": str(live.models_dir),
    }
    return write_champion_marker(live.models_dir, payload)


def _text(path: Path | None) -> str | None:
    return None if path is None else str(path)

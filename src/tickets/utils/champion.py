"""The champion marker: how a running service learns that the champion changed.

``retrain`` (promotion or ``--rollback``) rewrites ``<paths.models>/CHAMPION`` atomically, last,
after the MLflow alias has moved and the index symlink has been swapped. The file holds::

    {"release": "<run id>", "action": "promote" | "rollback", "updated_at": "<ISO 8601>",
     "models": {"ticket-categorizer-category": "3", ...},   # registered name → champion version
     "index": "<live index path>", "index_release": "<release folder>" | null,
     "drivers": "<driver model folder>" | null}

Contract for the API (or any long-running reader): poll :class:`ChampionWatcher` (cheap: one
``stat``) every few seconds, or reload on ``SIGHUP``; on a change, build the new model and
index in the background and swap them in only when they are ready, so no request is refused.
The marker lives in ``tickets.utils`` because the lifecycle and the API may not import each
other (import-linter layers).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tickets.utils.io import write_json_atomic

MARKER_FILE = "CHAMPION"


def marker_path(models_dir: str | Path) -> Path:
    return Path(models_dir) / MARKER_FILE


def write_champion_marker(models_dir: str | Path, payload: dict[str, Any]) -> Path:
    return write_json_atomic(marker_path(models_dir), payload)


def read_champion_marker(models_dir: str | Path) -> dict[str, Any] | None:
    path = marker_path(models_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


class ChampionWatcher:
    """``changed()`` is True once after every rewrite of the marker (the first call primes)."""

    def __init__(self, models_dir: str | Path) -> None:
        self.path = marker_path(models_dir)
        self._seen: tuple[int, int, int] | None = None
        self._primed = False

    def _signature(self) -> tuple[int, int, int] | None:
        try:
            stat = os.stat(self.path)
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size, stat.st_ino

    def changed(self) -> bool:
        current = self._signature()
        if not self._primed:
            self._primed, self._seen = True, current
            return False
        if current != self._seen:
            self._seen = current
            return True
        return False

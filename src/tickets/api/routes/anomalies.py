"""``/v1/anomalies``: the newest run of ``python main.py anomalies``.

Only the file format is shared with the anomaly package (``outputs/anomalies/<run>/
anomalies.json``: a list of objects, or an object with an ``anomalies`` list, each with
``type``, ``dimension``, ``value``, ``start`` and ``end``).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query

from tickets.api.deps import ERROR_RESPONSES, ReadKey, ServicesDep
from tickets.api.schemas import AnomaliesPublic

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["anomalies"], responses=ERROR_RESPONSES)


def newest_anomalies(folder: Path) -> tuple[Path | None, list[dict[str, Any]]]:
    for path in sorted(folder.glob("*/anomalies.json"), reverse=True):
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            log.warning("skipping unreadable anomalies file %s", path)
            continue
        items = payload.get("anomalies", []) if isinstance(payload, dict) else payload
        if isinstance(items, list):
            return path, [item for item in items if isinstance(item, dict)]
    return None, []


@router.get("/anomalies", summary="Anomalies found by the newest anomaly-detection run")
def list_anomalies(
    _: ReadKey,
    services: ServicesDep,
    kind: Annotated[
        str | None, Query(alias="type", max_length=64, description="e.g. volume_spike")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AnomaliesPublic:
    path, items = newest_anomalies(services.settings.resolved_anomalies_dir)
    if kind is not None:
        items = [item for item in items if item.get("type") == kind]
    return AnomaliesPublic(source=str(path) if path else None, anomalies=items[:limit])

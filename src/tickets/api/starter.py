"""Starter artifacts for a fresh clone: a small categoriser and a retrieval index built from a
warehouse (the bundled sample by default) when no trained model or index exists yet.

They live under ``<outputs>/api/starter/`` and never pose as the real thing: the registry's
champion and ``paths.index`` stay untouched, and the service logs that it is running on
starter artifacts with the commands that build real ones. A starter is rebuilt only when the
warehouse changes (its files' names, sizes and modification times).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import pandas as pd

from tickets.data.duck import connect
from tickets.data.warehouse import Warehouse
from tickets.utils.io import atomic_path, write_json_atomic

log = logging.getLogger(__name__)

MODEL_FILE = "classifier.joblib"
MODEL_STAMP = "starter.json"
FEATURE_COLUMNS = (
    "ticket_id",
    "subject",
    "body",
    "channel",
    "priority",
    "product",
    "customer_id",
    "created_at",
)


class StarterError(RuntimeError):
    """No starter can be built; the message says what to provide."""


@dataclass(frozen=True)
class StarterModel:
    classifier: Any  # tickets.models.ensemble.TicketClassifier
    version: str
    built: bool  # False: an earlier starter was reused


def warehouse_fingerprint(warehouse: Warehouse) -> str:
    digest = hashlib.sha256()
    for path in warehouse.ticket_files():
        stat = path.stat()
        digest.update(
            f"{path.relative_to(warehouse.root)}:{stat.st_size}:{stat.st_mtime_ns}".encode()
        )
    return digest.hexdigest()[:12]


def labelled_tickets(warehouse: Warehouse, target: str = "category") -> pd.DataFrame:
    if not warehouse.has_tickets():
        raise StarterError(
            f"no tickets in warehouse {warehouse.root} to build a starter model from: point "
            "paths.warehouse at one ('python main.py generate' writes a sample), or train a "
            "model ('python main.py train') and build an index ('python main.py index')"
        )
    columns = ", ".join(f'"{c}"' for c in (*FEATURE_COLUMNS, target))
    sql = (
        f"SELECT {columns} FROM {warehouse.tickets_scan_sql()} "
        f'WHERE "{target}" IS NOT NULL ORDER BY ticket_id'
    )
    return connect().execute(sql).df()


def starter_model(warehouse: Warehouse, folder: Path, target: str = "category") -> StarterModel:
    """The starter categoriser for ``warehouse``: reused from ``folder`` or trained now."""
    fingerprint = warehouse_fingerprint(warehouse)
    version = f"starter-linear@{fingerprint}"
    stamp_path, model_path = folder / MODEL_STAMP, folder / MODEL_FILE
    if stamp_path.is_file() and model_path.is_file():
        stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
        if stamp.get("fingerprint") == fingerprint:
            return StarterModel(joblib.load(model_path), version, built=False)
    started = time.perf_counter()
    frame = labelled_tickets(warehouse, target)
    if frame[target].nunique() < 2:
        raise StarterError(f"warehouse {warehouse.root} has fewer than two {target} values")
    classifier = _fit_linear(frame, target)
    with atomic_path(model_path) as tmp:
        joblib.dump(classifier, tmp)
    write_json_atomic(
        stamp_path,
        {
            "fingerprint": fingerprint,
            "warehouse": str(warehouse.root),
            "tickets": len(frame),
            "classes": list(classifier.classes_),
            "seconds": round(time.perf_counter() - started, 1),
        },
    )
    return StarterModel(classifier, version, built=True)


def _fit_linear(frame: pd.DataFrame, target: str) -> Any:
    from tickets.models.factory import build_classifier
    from tickets.models.settings import ModelSettings

    # one fit (no refit on all tickets after calibration): a starter should be quick
    settings = ModelSettings(name="linear", members=("linear",), target=target, refit=False)
    classifier = build_classifier(settings)
    return classifier.fit(frame.drop(columns=[target]), frame[target].astype(str).to_numpy())

"""``python main.py evaluate --task anomalies``: run the detectors (or read --detections) and
score them against the generator's planted anomalies; writes anomaly_eval.json."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from omegaconf import DictConfig
from rich.table import Table

from tickets.anomaly.errors import AnomalyError
from tickets.data.warehouse import Warehouse, WarehouseError
from tickets.tasks.anomalies import settings_from_config
from tickets.utils.io import write_json_atomic
from tickets.utils.logging import console
from tickets.utils.timeutil import run_stamp

log = logging.getLogger(__name__)


def _detections(cfg: DictConfig, output_dir: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    source = cfg.evaluate.get("detections")
    if source:
        payload = json.loads(Path(str(source)).read_text(encoding="utf-8"))
        items = payload if isinstance(payload, list) else payload.get("anomalies", [])
        window = {} if isinstance(payload, list) else payload.get("window", {})
        return items, window
    from tickets.anomaly.pipeline import detect_anomalies, run_context
    from tickets.anomaly.reporting import anomalies_payload

    settings = settings_from_config(cfg)
    run = detect_anomalies(settings)
    payload = anomalies_payload(run.anomalies, run_context(settings, run))
    write_json_atomic(output_dir / "anomalies.json", payload)
    return payload["anomalies"], payload["window"]


def issue_lookup(warehouse: Path):  # type: ignore[no-untyped-def]
    """ticket ids -> x_issue_id from the warehouse (None when it has no x_issue_id column)."""
    from tickets.anomaly.series import source_columns
    from tickets.data.duck import connect, sql_literal

    wh = Warehouse.at(warehouse)
    if not wh.has_tickets():
        return None
    con = connect()
    scan = wh.tickets_scan_sql()
    if "x_issue_id" not in source_columns(con, scan):
        return None

    def issue_of(ids: list[str]) -> dict[str, str]:
        if not ids:
            return {}
        listed = ", ".join(sql_literal(i) for i in ids)
        rows = con.execute(
            f"SELECT ticket_id, x_issue_id FROM {scan} WHERE ticket_id IN ({listed})"
        ).fetchall()
        return {str(a): str(b) for a, b in rows if b is not None}

    return issue_of


def run(cfg: DictConfig) -> int:
    from tickets.anomaly.evaluate import evaluate_detections

    warehouse = Path(cfg.paths.warehouse)
    truth_path = Path(str(cfg.evaluate.get("ground_truth") or warehouse / "ground_truth.json"))
    output_dir = Path(
        str(
            cfg.evaluate.get("output_dir")
            or Path(cfg.paths.outputs) / "evaluation" / "anomalies" / run_stamp()
        )
    )
    tolerance = float(cfg.anomaly.evaluation.start_tolerance_days)
    try:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        output_dir.mkdir(parents=True, exist_ok=True)
        detections, window = _detections(cfg, output_dir)
        result = evaluate_detections(
            truth.get("anomalies", []), detections, tolerance, issue_lookup(warehouse)
        )
    except FileNotFoundError as err:
        console.print(
            f"[red]evaluate anomalies:[/] {err.filename} does not exist "
            "(check --ground-truth and --detections)"
        )
        return 2
    except (AnomalyError, WarehouseError, ValueError) as err:
        console.print(f"[red]evaluate anomalies:[/] {err}")
        return getattr(err, "exit_code", 2)
    report = result.report()
    write_json_atomic(output_dir / "anomaly_eval.json", report)
    write_json_atomic(
        output_dir / "anomaly_eval_matches.json",
        {"ground_truth": str(truth_path), "tolerance_days": tolerance, "window": window,
         "matches": result.matches, "missed": result.missed,
         "unmatched_detections": result.unmatched_detections},
    )  # fmt: skip
    _print(report, tolerance)
    console.print(f"Wrote {output_dir}/anomaly_eval.json")
    return 0


def _print(report: dict[str, dict[str, Any]], tolerance: float) -> None:
    table = Table(
        title=f"anomaly detection vs planted anomalies (start within ±{tolerance:g} days)"
    )
    for column in ("type", "planted", "detected", "precision", "recall", "f1"):
        table.add_column(column, justify="right" if column != "type" else "left")

    def fmt(x: Any) -> str:
        return "–" if x is None else f"{x:.2f}"

    for kind, row in report.items():
        table.add_row(kind, str(row["planted"]), str(row["detected"]), fmt(row["precision"]),
                      fmt(row["recall"]), fmt(row["f1"]))  # fmt: skip
    console.print(table)

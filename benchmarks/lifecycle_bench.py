"""The retrain lifecycle on generated data with a planted shift, end to end, timed.

    python benchmarks/lifecycle_bench.py                     # 3,000 tickets, real MiniLM
    python benchmarks/lifecycle_bench.py --embedder hash     # the tests' cheap embedder

Steps (each a real ``python main.py retrain`` call, in process):
  1. generate a stationary warehouse; keep the tickets before the cut as the live warehouse;
     turn ``--share`` of the later tickets into a new issue (tests/lifecycle/planting.py);
  2. bootstrap: ``retrain`` with no champion; 3. unchanged data: ``retrain`` again;
  4. the shifted batch in the inbox: ``retrain``; 5. ``retrain --rollback``.
``--drift-only`` skips training: only ``retrain --drift-only`` on the unchanged and the
shifted warehouse. Results: ``<output-dir>/lifecycle_bench.json`` and a Markdown table on stdout
(docs/lifecycle.md holds the measured numbers).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.lifecycle.planting, the planted-shift helper

CUT_FRACTION = 2 / 3  # the live warehouse ends two thirds into the period


def _args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=3000)
    parser.add_argument("--days", type=int, default=150)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--share", type=float, default=0.35, help="planted share after the cut")
    parser.add_argument("--embedder", choices=("minilm", "hash"), default="minilm")
    parser.add_argument("--model", default="linear", help="model config group (model=...)")
    parser.add_argument("--drift-only", action="store_true")
    parser.add_argument("--output-dir", type=Path, default=ROOT / "outputs" / "bench_lifecycle")
    return parser.parse_args(argv)


def _world(args: argparse.Namespace, root: Path) -> tuple[Path, Path, int]:
    import pandas as pd
    import pyarrow.parquet as pq

    from tests.lifecycle.planting import _arrow, cut_warehouse, plant_new_issue
    from tickets.cli import main

    generated = root / "generated"
    flags = [
        "--tickets",
        str(args.tickets),
        "--seed",
        str(args.seed),
        "--days",
        str(args.days),
        "--start",
        "2024-01-01",
        "--no-anomalies",
        "generator.bronze=false",
        "generator.arrivals.launch_day_fraction=0",
        "generator.arrivals.launch_boost=1",
    ]
    assert main(["generate", "--output-dir", str(generated), *flags]) == 0
    cut = pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(days=args.days * CUT_FRACTION)
    later = cut_warehouse(generated, root / "live", cut)
    shifted = plant_new_issue(later, share=args.share, seed=1)
    batch = root / "new_tickets.parquet"
    pq.write_table(_arrow(shifted), batch)
    return root / "live", batch, int((shifted["category"] != later["category"]).sum())


def _retrain(warehouse: Path, outputs: Path, args: argparse.Namespace, *flags: str) -> dict:
    from tickets.cli import main

    overrides = [
        f"paths.warehouse={warehouse}",
        f"paths.outputs={outputs}",
        f"model={args.model}",
        f"lifecycle.ingest.inbox={outputs}/inbox",
        "lifecycle.drivers.enabled=false",
    ]
    started = time.perf_counter()
    code = main(["retrain", *flags, *overrides])
    seconds = round(time.perf_counter() - started, 1)
    return {"code": code, "seconds": seconds, **_latest(outputs, "--drift-only" in flags)}


def _latest(outputs: Path, drift_only: bool) -> dict[str, Any]:
    folder = outputs / "lifecycle" / ("drift" if drift_only else "runs")
    runs = sorted(p for p in folder.glob("*") if p.is_dir()) if folder.is_dir() else []
    if not runs:
        return {}
    out: dict[str, Any] = {"drift": json.loads((runs[-1] / "drift.json").read_text())}
    if (runs[-1] / "gate.json").is_file():
        out["gate"] = json.loads((runs[-1] / "gate.json").read_text())
    return out


def _summary(step: str, result: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"step": step, "exit": result["code"], "seconds": result["seconds"]}
    drift = result.get("drift")
    if drift:
        checks = {c["name"]: c for c in drift["checks"]}
        row["drift_flagged"] = sorted(n for n, c in checks.items() if c["flagged"])
        row["centroid_shift"] = (
            checks.get("text_embedding", {}).get("statistics", {}).get("centroid_cosine_distance")
        )
        row["category_js"] = checks.get("category", {}).get("statistics", {}).get("js_distance")
    gate = result.get("gate")
    if gate:
        decision = gate["decisions"][0]
        new, old = decision["challenger"], decision["champion"] or {}
        row.update(
            passed=decision["passed"],
            actions=gate["actions"],
            challenger_macro_f1=new["holdout"]["macro_f1"],
            champion_macro_f1=old.get("holdout", {}).get("macro_f1"),
            challenger_ece=new["holdout"]["ece"],
            challenger_p95_ms=new["latency_p95_ms"],
            holdout_n=new["holdout"]["n"],
            failed=[c["name"] for c in decision["checks"] if not c["passed"]],
        )
    return row


def run(args: argparse.Namespace) -> dict[str, Any]:
    from tickets.lifecycle.champions import alias_version
    from tickets.models.settings import TrackingSettings

    root = args.output_dir
    shutil.rmtree(root, ignore_errors=True)
    live, batch, planted = _world(args, root / "data")
    steps = []
    if args.drift_only:
        shifted = root / "data" / "shifted"
        shutil.copytree(live, shifted)
        steps.append(_summary("drift, unchanged", _retrain(live, root / "a", args, "--drift-only")))
        (root / "b" / "inbox").mkdir(parents=True)
        from tickets.data.adapter_spec import AdapterSpec
        from tickets.data.ingest import ingest_file
        from tickets.data.warehouse import Warehouse

        ingest_file(batch, AdapterSpec("canonical"), Warehouse.at(shifted))
        steps.append(
            _summary("drift, shifted", _retrain(shifted, root / "b", args, "--drift-only"))
        )
        return {"args": _plain(args), "planted": planted, "steps": steps}
    outputs = root / "outputs"
    for step in ("bootstrap", "unchanged"):
        steps.append(_summary(step, _retrain(live, outputs, args)))
    (outputs / "inbox").mkdir(parents=True, exist_ok=True)
    shutil.copy(batch, outputs / "inbox" / batch.name)
    steps.append(_summary("planted shift", _retrain(live, outputs, args)))
    rollback = _retrain(live, outputs, args, "--rollback")
    tracking = TrackingSettings(f"sqlite:///{outputs}/mlflow.db", "tickets")
    steps.append(
        {
            "step": "rollback",
            "exit": rollback["code"],
            "seconds": rollback["seconds"],
            "champion_after": alias_version(tracking, "ticket-categorizer-category"),
        }
    )
    return {"args": _plain(args), "planted": planted, "steps": steps}


def _plain(args: argparse.Namespace) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}


def table(report: dict[str, Any]) -> str:
    lines = [
        "| step | exit | seconds | gate | champion → challenger macro-F1 | ECE | p95 ms "
        "| drift flagged | centroid shift | category JS |",
        "|---|---:|---:|---|---|---:|---:|---|---:|---:|",
    ]
    for r in report["steps"]:
        gate = (
            ""
            if "passed" not in r
            else ("pass" if r["passed"] else f"fail ({', '.join(r['failed'])})")
        )
        f1 = (
            ""
            if "challenger_macro_f1" not in r
            else f"{r['champion_macro_f1'] if r['champion_macro_f1'] is not None else '–'} → "
            f"{r['challenger_macro_f1']}"
        )
        flagged = ", ".join(r.get("drift_flagged", [])) or ("none" if "drift_flagged" in r else "")
        lines.append(
            f"| {r['step']} | {r['exit']} | {r['seconds']} | {gate} | {f1} "
            f"| {r.get('challenger_ece', '')} | {r.get('challenger_p95_ms', '')} | {flagged} "
            f"| {r.get('centroid_shift', '')} | {r.get('category_js', '')} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = _args(argv)
    import tickets.retrieval.embedder as embedder

    real = embedder.make_embedder
    if args.embedder == "hash":
        from tests.lifecycle.fakes import make_fake_embedder

        embedder.make_embedder = make_fake_embedder  # type: ignore[assignment]
    try:
        report = run(args)
    finally:
        embedder.make_embedder = real  # callers in the same process get the real model back
    (args.output_dir / "lifecycle_bench.json").write_text(json.dumps(report, indent=2) + "\n")
    print(table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

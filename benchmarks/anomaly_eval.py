"""Precision and recall of the anomaly detectors over many generated warehouses, and false
alarms on warehouses with nothing planted.

    python benchmarks/anomaly_eval.py --seeds 1-10 --tickets 100000 --workdir /tmp/anomaly_eval

Seeds up to --default-seeds keep the generator's default plan (Router-X spike, Billing drop,
...); later seeds draw another product, queue, window, length and strength for each planted
anomaly from the seed. Every warehouse is generated with ``python main.py generate`` and scored
with ``python main.py evaluate --task anomalies`` (start tolerance from conf/anomaly); the
no-anomaly warehouses (--no-anomalies, same seeds) are scanned with ``python main.py
anomalies`` and every detection there is a false alarm. Prints markdown tables and writes
<workdir>/anomaly_eval_summary.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tickets.anomaly.evaluate import PLANTED_TYPES, dimension_family  # noqa: E402

PRODUCTS = ("Router-X", "MeshPoint Pro", "CloudSync Drive", "PayFlow Billing", "SecureVPN",
            "SmartCam 360", "LedgerLite")  # fmt: skip
QUEUES = ("Technical Support", "Network Operations", "Billing", "Accounts", "Hardware Returns")


def seeds_arg(text: str) -> list[int]:
    if "-" in text:
        lo, hi = text.split("-")
        return list(range(int(lo), int(hi) + 1))
    return [int(s) for s in text.split(",")]


def varied_plan(seed: int) -> list[str]:
    """Hydra overrides moving and resizing every planted anomaly (deterministic per seed)."""
    rng = np.random.default_rng(1000 + seed)
    p = "generator.planted"
    return [
        f"{p}.volume_spike.product='{rng.choice(PRODUCTS)}'",
        f"{p}.volume_spike.at={rng.uniform(0.15, 0.9):.3f}",
        f"{p}.volume_spike.days={int(rng.integers(1, 5))}",
        f"{p}.volume_spike.multiplier={rng.uniform(2.5, 4.0):.2f}",
        f"{p}.emerging_issue.at={rng.uniform(0.3, 0.75):.3f}",
        f"{p}.emerging_issue.days={int(rng.choice([14, 21, 28]))}",
        f"{p}.emerging_issue.final_share={rng.uniform(0.04, 0.08):.3f}",
        f"{p}.sentiment_drop.queue='{rng.choice(QUEUES)}'",
        f"{p}.sentiment_drop.at={rng.uniform(0.2, 0.85):.3f}",
        f"{p}.sentiment_drop.days={int(rng.choice([7, 10, 14, 21]))}",
        f"{p}.kb_gap.at={rng.uniform(0.55, 0.9):.3f}",
        f"{p}.kb_gap.share={rng.uniform(0.015, 0.03):.3f}",
    ]


def main_py(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip


def generate(target: Path, seed: int, tickets: int, overrides: list[str], planted: bool) -> None:
    if (target / "ground_truth.json").exists():
        return
    flags = ["generate", "--tickets", str(tickets), "--seed", str(seed), "--output-dir",
             str(target), "generator.bronze=false", *overrides]  # fmt: skip
    if not planted:
        flags.insert(1, "--no-anomalies")
    done = main_py(*flags)
    if done.returncode:
        raise SystemExit(f"generate failed for {target}:\n{done.stdout}\n{done.stderr}")


def evaluate(warehouse: Path, cache: Path) -> dict[str, object]:
    out = warehouse / "eval"
    started = time.perf_counter()
    done = main_py("evaluate", "--task", "anomalies", "--warehouse", str(warehouse),
                   "--output-dir", str(out), f"anomaly.sentiment.cache_dir={cache}",
                   "anomaly.incremental=false")  # fmt: skip
    if done.returncode:
        raise SystemExit(f"evaluate failed for {warehouse}:\n{done.stdout}\n{done.stderr}")
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "scores": json.loads((out / "anomaly_eval.json").read_text()),
        "matches": json.loads((out / "anomaly_eval_matches.json").read_text()),
    }


def scan_clean(warehouse: Path, cache: Path) -> dict[str, object]:
    out = warehouse / "scan"
    done = main_py("anomalies", "--warehouse", str(warehouse), "--output-dir", str(out),
                   f"anomaly.sentiment.cache_dir={cache}", "anomaly.incremental=false")  # fmt: skip
    if done.returncode:
        raise SystemExit(f"anomalies failed for {warehouse}:\n{done.stdout}\n{done.stderr}")
    payload = json.loads((out / "anomalies.json").read_text())
    return {"window": payload["window"], "anomalies": payload["anomalies"]}


def pooled(runs: list[dict[str, object]]) -> dict[str, dict[str, float]]:
    totals: dict[str, Counter[str]] = {}
    for run in runs:
        for kind, row in run["scores"].items():  # type: ignore[union-attr]
            totals.setdefault(kind, Counter()).update(
                {k: row[k] for k in ("planted", "detected", "matched")}
            )
    table = {}
    for kind, c in sorted(totals.items()):
        precision = c["matched"] / c["detected"] if c["detected"] else None
        recall = c["matched"] / c["planted"] if c["planted"] else None
        table[kind] = {
            "planted": c["planted"], "detected": c["detected"], "matched": c["matched"],
            "precision": precision, "recall": recall,
        }  # fmt: skip
    return table


def markdown(table: dict[str, dict[str, float]]) -> str:
    def f(x: float | None) -> str:
        return "–" if x is None else f"{x:.2f}"

    lines = ["| type | planted | detected | matched | precision | recall |",
             "|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    for kind, r in table.items():
        lines.append(f"| {kind} | {r['planted']} | {r['detected']} | {r['matched']} | "
                     f"{f(r['precision'])} | {f(r['recall'])} |")  # fmt: skip
    return "\n".join(lines)


def offsets(runs: list[dict[str, object]]) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {}
    for run in runs:
        for m in run["matches"]["matches"]:  # type: ignore[index]
            found.setdefault(m["planted"]["type"], []).append(m["start_offset_days"])
    return found


def false_alarms(scans: list[dict[str, object]]) -> tuple[dict[str, float], int, list[str]]:
    counts: Counter[str] = Counter()
    days, listed = 0, []
    for scan in scans:
        window = scan["window"]  # type: ignore[index]
        import datetime as dt

        days += (
            dt.date.fromisoformat(window["end"]) - dt.date.fromisoformat(window["start"])
        ).days + 1
        for a in scan["anomalies"]:  # type: ignore[union-attr]
            counts[dimension_family(a)] += 1
            listed.append(
                f"{a['type']} {a['dimension']}={a['value']} {a['local_start']}: {a['explanation']}"
            )
    return {k: round(v * 90 / days, 3) for k, v in sorted(counts.items())}, days, listed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=seeds_arg, default=seeds_arg("1-10"))
    parser.add_argument(
        "--default-seeds", type=int, default=5, help="seeds <= this keep the default plan"
    )
    parser.add_argument("--clean-seeds", type=seeds_arg, default=seeds_arg("1-5"))
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/anomaly_eval"))
    args = parser.parse_args()
    cache = args.workdir / "sentiment_cache"
    runs, scans = [], []
    for seed in args.seeds:
        varied = seed > args.default_seeds
        target = args.workdir / f"planted-{args.tickets}-{seed}"
        generate(target, seed, args.tickets, varied_plan(seed) if varied else [], planted=True)
        run = {"seed": seed, "varied": varied, **evaluate(target, cache)}
        runs.append(run)
        missed = run["matches"]["missed"]  # type: ignore[index]
        extra = run["matches"]["unmatched_detections"]  # type: ignore[index]
        print(f"seed {seed} ({'varied' if varied else 'default'} plan, {run['seconds']} s): "
              f"missed {missed} extra {extra}", flush=True)  # fmt: skip
    for seed in args.clean_seeds:
        target = args.workdir / f"clean-{args.tickets}-{seed}"
        generate(target, seed, args.tickets, [], planted=False)
        scans.append(scan_clean(target, cache))
    rates, days, listed = false_alarms(scans)
    summary = {
        "tickets": args.tickets,
        "seeds": args.seeds,
        "pooled": pooled(runs),
        "pooled_default_plan": pooled([r for r in runs if not r["varied"]]),
        "pooled_varied_plan": pooled([r for r in runs if r["varied"]]),
        "start_offsets_days": offsets(runs),
        "false_alarms_per_90_days": rates,
        "clean_days_scanned": days,
        "clean_detections": listed,
        "runs": runs,
    }
    (args.workdir / "anomaly_eval_summary.json").write_text(
        json.dumps(summary, indent=2, default=str)
    )
    print("\nAll seeds\n" + markdown(summary["pooled"]))
    print("\nDefault plan\n" + markdown(summary["pooled_default_plan"]))
    print("\nVaried plans\n" + markdown(summary["pooled_varied_plan"]))
    print(f"\nStart offsets (detected - planted, days): {summary['start_offsets_days']}")
    print(f"\nFalse alarms per 90 days per family over {days} clean days: {rates or 'none'}")
    for line in listed:
        print("  ", line)
    missing = [t for t in PLANTED_TYPES if t not in summary["pooled"]]
    if missing:
        print(f"types never planted: {missing}")


if __name__ == "__main__":
    main()

"""Benchmark of ``python main.py analytics`` against pandas and hand-written DuckDB SQL.

Generates (once, cached under ``--cache-dir``) a warehouse of N tickets without text, then runs,
side by side in one invocation, each in its own subprocess (wall time and peak RSS from
``os.wait4``):

(a) ``python main.py analytics`` end to end (after an untimed warm-up run that trains the
    satisfaction model, so model refresh is excluded: the timed run reuses it);
(b) ``benchmarks/analytics_pandas.py``: the same metric set in idiomatic pandas;
(c) ``benchmarks/analytics_sql.py``: the core aggregations as hand-written DuckDB SQL.

All three must agree on the headline numbers (checked). ``--update-docs`` rewrites the Analytics
section of docs/benchmarks.md with the table.

    python benchmarks/analytics_bench.py                      # 10M tickets
    python benchmarks/analytics_bench.py --tickets 2000 --cache-dir /tmp/bench --no-warmup
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SHARED_STEPS = (
    "reading the warehouse",
    "enriching tickets",
    "headline numbers",
    "volume",
    "resolution time",
    "SLA compliance",
    "CSAT",
    "agent performance",
)
TARGETS = {"speedup_vs_pandas": 5.0, "ratio_vs_sql": 1.5, "wall_seconds": 30.0, "rss_gb": 4.0}
START, END = "<!-- analytics-bench:start -->", "<!-- analytics-bench:end -->"


def measured(command: list[str], log: Path) -> dict[str, Any]:
    """Run a command: its wall seconds, CPU seconds and peak RSS (GB), that process alone."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    with open(log, "w") as out:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(command)} failed ({code}); see {log}")
    return {
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "rss_gb": round(usage.ru_maxrss / 1024**2, 3),
        "load_before": round(load, 1),
    }


def best_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Fastest wall and CPU over the rounds (least disturbed by other load), highest RSS."""
    walls = sorted(r["wall_seconds"] for r in runs)
    return {
        "wall_seconds": walls[0],
        "wall_median": walls[len(walls) // 2],
        "cpu_seconds": min(r["cpu_seconds"] for r in runs),
        "rss_gb": max(r["rss_gb"] for r in runs),
        "load_before": [r["load_before"] for r in runs],
        "rounds": len(runs),
    }


def ensure_warehouse(cache: Path, tickets: int, seed: int) -> Path:
    warehouse = cache / f"warehouse_{tickets}_seed{seed}"
    if (warehouse / "ground_truth.json").exists():
        return warehouse
    print(f"generating {tickets:,} tickets into {warehouse} (cached for later runs)")
    command = [
        PYTHON,
        "main.py",
        "generate",
        "--tickets",
        str(tickets),
        "--seed",
        str(seed),
        "--no-text",
        "--output-dir",
        str(warehouse),
        "generator.bronze=false",
    ]
    result = measured(command, cache / "generate.log")
    print(f"generated in {result['wall_seconds']} s")
    return warehouse


def pipeline_command(warehouse: Path, out: Path, outputs: Path, window: list[str]) -> list[str]:
    return [
        PYTHON,
        "main.py",
        "analytics",
        "--warehouse",
        str(warehouse),
        "--output-dir",
        str(out),
        *window,
        f"paths.outputs={outputs}",
    ]


def agree(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Headline metrics whose values differ (relative 1e-6)."""
    bad = []
    for key, value in a.items():
        other = b.get(key)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            if other is not None and not (isinstance(other, float) and math.isnan(other)):
                bad.append(key)
        elif other is None or abs(value - other) > 1e-6 * max(1.0, abs(value)):
            bad.append(key)
    return bad


def reference_command(script: str, warehouse: Path, start: str, end: str, out: Path) -> list[str]:
    path = ROOT / "benchmarks" / script
    return [
        PYTHON,
        str(path),
        "--warehouse",
        str(warehouse),
        "--start",
        start,
        "--end",
        end,
        "--out",
        str(out),
    ]


def run_all(args: argparse.Namespace) -> dict[str, Any]:
    cache = Path(args.cache_dir).resolve()
    cache.mkdir(parents=True, exist_ok=True)
    warehouse = ensure_warehouse(cache, args.tickets, args.seed)
    outputs, stamp = cache / "analytics_outputs", time.strftime("%Y%m%dT%H%M%S")
    window = ["--start-date", args.start, "--end-date", args.end] if args.start else []
    if not args.no_warmup:
        print("warm-up run (trains the satisfaction model unless a compatible one is saved)")
        warmup = pipeline_command(warehouse, cache / "warmup", outputs, window)
        measured(warmup, cache / "warmup.log")
    runs: dict[str, list[dict[str, Any]]] = {"pipeline": [], "pandas": [], "hand_sql": []}
    references: dict[str, dict[str, Any]] = {}
    for round_ in range(args.rounds):  # interleaved, so load changes hit every implementation
        run_dir = cache / "runs" / f"analytics-{stamp}-{round_}"
        command = pipeline_command(warehouse, run_dir, outputs, window)
        runs["pipeline"].append(measured(command, cache / "pipeline.log"))
        summary = json.loads((run_dir / "summary.json").read_text())
        start, end = summary["window"]["start_date"], summary["window"]["end_date"]
        for name, script in (("pandas", "analytics_pandas.py"), ("hand_sql", "analytics_sql.py")):
            out = cache / f"{name}.json"
            command = reference_command(script, warehouse, start, end, out)
            runs[name].append(measured(command, cache / f"{name}.log"))
            references[name] = json.loads(out.read_text())
        print(
            f"round {round_ + 1}: "
            + ", ".join(f"{k} {v[-1]['wall_seconds']} s" for k, v in runs.items())
        )
    results = {name: best_of(r) for name, r in runs.items()}
    manifest = json.loads((run_dir / "manifest.json").read_text())
    timings, cpu = manifest["timings_seconds"], manifest.get("cpu_seconds", {})
    pipeline = results["pipeline"]
    pipeline["shared_seconds_last_round"] = round(sum(timings.get(s, 0) for s in SHARED_STEPS), 2)
    pipeline["shared_cpu_last_round"] = round(sum(cpu.get(s, 0) for s in SHARED_STEPS), 2)
    pipeline["model_reused"] = bool((summary["csat_drivers"]["model"] or {}).get("reused"))
    for name, reference in references.items():
        results[name]["disagrees_on"] = agree(summary["headline"], reference["headline"])
    results["hand_sql"]["steps"] = references["hand_sql"].get("timings")
    return {
        "tickets": args.tickets,
        "seed": args.seed,
        "window": f"{start} → {end}",
        "tickets_in_window": summary["headline"]["received"],
        "results": results,
        "timings": timings,
        "cpu_timings": cpu,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
    }


def table(report: dict[str, Any]) -> str:
    r = report["results"]
    p = r["pipeline"]
    rows = [
        (
            "(a) `python main.py analytics` end to end",
            p,
            f"model reused: {p['model_reused']}; shared aggregations "
            f"{p['shared_seconds_last_round']} s in the last round",
        ),
        (
            "(b) idiomatic pandas",
            r["pandas"],
            f"headline differs on: {r['pandas']['disagrees_on'] or 'nothing'}",
        ),
        (
            "(c) hand-written DuckDB SQL",
            r["hand_sql"],
            f"headline differs on: {r['hand_sql']['disagrees_on'] or 'nothing'}",
        ),
    ]
    lines = [
        "| run | best wall (s) | median wall (s) | CPU (s) | peak RSS (GB) | load before rounds "
        "| notes |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for label, m, note in rows:
        loads = ", ".join(str(x) for x in m["load_before"])
        lines.append(
            f"| {label} | {m['wall_seconds']} | {m['wall_median']} | {m['cpu_seconds']} | "
            f"{m['rss_gb']} | {loads} | {note} |"
        )
    return "\n".join(lines)


def verdicts(report: dict[str, Any]) -> dict[str, Any]:
    r = report["results"]
    p, pandas, sql = r["pipeline"], r["pandas"], r["hand_sql"]
    return {
        "speedup_vs_pandas": round(pandas["wall_seconds"] / p["wall_seconds"], 2),
        "speedup_vs_pandas_cpu": round(pandas["cpu_seconds"] / p["cpu_seconds"], 2),
        "ratio_vs_sql_end_to_end": round(p["wall_seconds"] / sql["wall_seconds"], 2),
        "ratio_vs_sql_end_to_end_cpu": round(p["cpu_seconds"] / sql["cpu_seconds"], 2),
        "ratio_vs_sql_shared": round(p["shared_seconds_last_round"] / sql["wall_median"], 2),
        "ratio_vs_sql_shared_cpu": (
            round(p["shared_cpu_last_round"] / sql["cpu_seconds"], 2)
            if p.get("shared_cpu_last_round")
            else None
        ),
        "wall_seconds": p["wall_seconds"],
        "rss_gb": p["rss_gb"],
    }


def update_docs(report: dict[str, Any], command: str) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    v = report["verdicts"]
    section = (
        f"{START}\nCommand: `{command}` (measured {report.get('measured_at', '?')})\n\n"
        f"{report['tickets']:,} generated tickets (seed {report['seed']}, no text), window "
        f"{report['window']} ({report['tickets_in_window']:,} received), {report['machine']}.\n\n"
        f"{table(report)}\n\n"
        f"- speed-up vs pandas: **{v['speedup_vs_pandas']}×** wall, "
        f"{v['speedup_vs_pandas_cpu']}× CPU (target ≥ 5×)\n"
        f"- vs hand-written SQL: **{v['ratio_vs_sql_end_to_end']}×** wall end to end "
        f"({v['ratio_vs_sql_end_to_end_cpu']}× CPU), **{v['ratio_vs_sql_shared']}×** on the shared "
        f"aggregations ({v.get('ratio_vs_sql_shared_cpu')}× CPU: the pipeline's steps from "
        "reading the warehouse to agent performance, against the whole SQL script; "
        "target ≤ 1.5×)\n"
        f"- wall **{v['wall_seconds']} s** (target < 30 s), peak RSS **{v['rss_gb']} GB** "
        f"(target < 4 GB)\n\n{END}"
    )
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n## Analytics\n\n" + section + "\n"
    path.write_text(text)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--cache-dir", default=str(ROOT / "outputs" / "bench"))
    parser.add_argument("--start", help="window start (default: the command's default window)")
    parser.add_argument("--end", help="window end (with --start)")
    parser.add_argument("--no-warmup", action="store_true", help="skip the untimed warm-up run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (best is kept)")
    parser.add_argument("--update-docs", action="store_true", help="rewrite docs/benchmarks.md")
    parser.add_argument(
        "--docs-only", action="store_true", help="rewrite the docs from the last saved results"
    )
    args = parser.parse_args(argv)
    saved = Path(args.cache_dir, "analytics_bench.json")
    if args.docs_only:
        report = json.loads(saved.read_text())
        update_docs(report, report["command"])
        return 0
    report = run_all(args)
    report["verdicts"] = verdicts(report)
    report["command"] = "python benchmarks/analytics_bench.py " + " ".join(argv)
    report["measured_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    saved.write_text(json.dumps(report, indent=1))
    print(table(report))
    print(json.dumps(report["verdicts"], indent=1))
    if args.update_docs:
        update_docs(report, report["command"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

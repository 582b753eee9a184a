"""Speed of the anomaly detectors: volume over 10M tickets, the full set over 1M with text.

    python benchmarks/anomaly_bench.py --volume-tickets 10000000 --full-tickets 1000000

Warehouses are generated once under --workdir (``python main.py generate``; the 10M one with
--no-text). Then:
- volume: ``detect_anomalies`` with only the volume detector, in this process (DuckDB
  aggregation + seasonal baselines + tests + enrichment), best of --repeat runs;
- full set: ``python main.py anomalies`` in a subprocess with every detector, first with an
  empty VADER cache (cold: every ticket is scored) and again with the cache filled (warm);
- incremental: a run up to 30 days before the end stores baselines, then the last 30 days are
  scanned as a new window that reuses them.
The 1-minute load average and the CPU seconds are printed next to each wall time: on a shared
machine wall times are pessimistic. The subprocess CPU does not include the VADER worker
processes, so VADER's own rate (texts per CPU-second) is measured separately.
Target: volume <= 30 s, full set <= 180 s (2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main_py(*args: str) -> tuple[float, float]:
    """Wall seconds and CPU seconds (the process and the worker processes it waited for)."""
    started, cpu = time.perf_counter(), children_cpu()
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, cwd=ROOT, check=False)  # fmt: skip
    if done.returncode:
        raise SystemExit(f"main.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started, children_cpu() - cpu


def ensure_warehouse(target: Path, tickets: int, text: bool) -> None:
    if (target / "ground_truth.json").exists():
        return
    flags = ["generate", "--tickets", str(tickets), "--output-dir", str(target),
             "generator.bronze=false"]  # fmt: skip
    if not text:
        flags.append("--no-text")
    seconds, _ = main_py(*flags)
    print(f"generated {tickets:,} tickets in {seconds:.0f} s -> {target}", flush=True)


def load() -> float:
    return os.getloadavg()[0]


def bench_volume(warehouse: Path, repeat: int) -> list[float]:
    from tickets.anomaly.pipeline import detect_anomalies
    from tickets.anomaly.settings import AnomalySettings

    settings = AnomalySettings(warehouse=warehouse, detectors=("volume",), incremental=False)
    times = []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        run = detect_anomalies(settings)
        times.append(time.perf_counter() - started)
        print(
            f"  volume run: {times[-1]:.1f} s wall, {time.process_time() - cpu:.1f} s CPU "
            f"({len(run.anomalies)} anomalies, {run.tests['volume']:,} tests; load {load():.1f}); "
            f"steps {run.timings}",
            flush=True,
        )
    return times


def vader_rate(warehouse: Path, texts: int = 20_000) -> float:
    """VADER texts per CPU-second in this process, on a sample of the warehouse's texts: the
    CPU of the scoring workers is not in the subprocess's counters, this stands in for it."""
    from tickets.anomaly.sentiment_cache import text_expression, vader_compound
    from tickets.data.duck import connect
    from tickets.data.warehouse import Warehouse

    scan = Warehouse.at(warehouse).tickets_scan_sql()
    query = f"SELECT {text_expression(60)} FROM {scan} USING SAMPLE {texts} ROWS (reservoir, 1)"
    sample = [str(r[0]) for r in connect().execute(query).fetchall()]
    cpu = time.process_time()
    vader_compound(sample)
    rate = len(sample) / max(time.process_time() - cpu, 1e-9)
    print(f"  VADER: {rate:,.0f} texts per CPU-second (load {load():.1f})", flush=True)
    return rate


def bench_full(warehouse: Path, workdir: Path) -> dict[str, float]:
    cache = workdir / "sentiment_cache"
    shutil.rmtree(cache, ignore_errors=True)
    results = {}
    for label in ("cold", "warm"):
        out = workdir / f"full-run-{label}"
        seconds, cpu = main_py(
            "anomalies", "--warehouse", str(warehouse), "--output-dir", str(out),
            f"anomaly.sentiment.cache_dir={cache}", "anomaly.incremental=false",
        )  # fmt: skip
        manifest = json.loads((out / "manifest.json").read_text())
        results[label] = round(seconds, 1)
        results[f"{label}_cpu"] = round(cpu, 1)
        print(f"  full set ({label} VADER cache): {seconds:.1f} s wall, {cpu:.1f} s CPU "
              f"(load {load():.1f}); steps {manifest['timings_seconds']}", flush=True)  # fmt: skip
    return results


def bench_incremental(warehouse: Path, workdir: Path, days: int = 30) -> dict[str, float]:
    """A full run up to ``days`` before the end saves baselines; then the last ``days`` are
    scanned as a new window that reuses them (only 3 + days days are read again)."""
    import datetime as dt

    truth = json.loads((warehouse / "ground_truth.json").read_text())
    last = dt.date.fromisoformat(truth["start"]) + dt.timedelta(days=truth["days"] - 1)
    split = last - dt.timedelta(days=days)
    baselines, cache = workdir / "baselines", workdir / "sentiment_cache"
    shutil.rmtree(baselines, ignore_errors=True)
    common = [f"anomaly.baselines_dir={baselines}", f"anomaly.sentiment.cache_dir={cache}"]
    first, _ = main_py("anomalies", "--warehouse", str(warehouse), "--end-date", str(split),
                       "--output-dir", str(workdir / "inc-first"), *common)  # fmt: skip
    seconds, cpu = main_py("anomalies", "--warehouse", str(warehouse), "--start-date",
                           str(split + dt.timedelta(days=1)), "--output-dir",
                           str(workdir / "inc-window"), *common)  # fmt: skip
    payload = json.loads((workdir / "inc-window" / "anomalies.json").read_text())
    print(
        f"  incremental: first run to {split} {first:.1f} s; the last {days} days "
        f"{seconds:.1f} s wall, {cpu:.1f} s CPU (reused baselines: {payload['incremental']}, "
        f"read from {payload['window']['read_from']}; load {load():.1f})",
        flush=True,
    )
    return {"first": round(first, 1), "window": round(seconds, 1), "window_cpu": round(cpu, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--volume-tickets", type=int, default=10_000_000)
    parser.add_argument("--full-tickets", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/anomaly_bench"))
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--skip-volume", action="store_true")
    parser.add_argument("--skip-full", action="store_true")
    parser.add_argument("--skip-incremental", action="store_true")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load at start: {load():.1f}", flush=True)
    summary: dict[str, object] = {"cores": os.cpu_count()}
    if not args.skip_volume:
        warehouse = args.workdir / f"volume-{args.volume_tickets}"
        ensure_warehouse(warehouse, args.volume_tickets, text=False)
        times = bench_volume(warehouse, args.repeat)
        summary["volume_seconds"] = [round(t, 1) for t in times]
        print(f"volume detectors over {args.volume_tickets:,} tickets: best {min(times):.1f} s "
              f"(target 30 s)", flush=True)  # fmt: skip
    if not args.skip_full:
        warehouse = args.workdir / f"full-{args.full_tickets}"
        ensure_warehouse(warehouse, args.full_tickets, text=True)
        summary["full_seconds"] = bench_full(warehouse, args.workdir)
        print(f"full set over {args.full_tickets:,} tickets: {summary['full_seconds']} "
              "(target 180 s)", flush=True)  # fmt: skip
    if not args.skip_incremental:
        warehouse = args.workdir / f"full-{args.full_tickets}"
        ensure_warehouse(warehouse, args.full_tickets, text=True)
        summary["vader_texts_per_cpu_second"] = round(vader_rate(warehouse))
        summary["incremental_seconds"] = bench_incremental(warehouse, args.workdir)
    summary["load_at_end"] = round(load(), 1)
    (args.workdir / "anomaly_bench.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()

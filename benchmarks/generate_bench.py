"""Generator scale and text throughput, each measured in its own subprocess.

    python benchmarks/generate_bench.py                        # 10M --no-text + 200k with text
    python benchmarks/generate_bench.py --tickets 1000000 --text-tickets 50000

Runs ``python main.py generate`` twice (volume without text, then throughput with text) and
reports wall time, CPU time (user + system), tickets/s and peak RSS of each run, read from
``os.wait4`` for that child alone. Targets (issue 3, 2 cores): 10M tickets --no-text in under
120 s with peak RSS under 2 GB; at least 20,000 tickets/s with text. The outputs are deleted
afterwards unless --keep. The machine's load average is recorded: on a shared machine the
wall times are pessimistic, the CPU times less so.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS, TARGET_RSS_MB, TARGET_TEXT_RATE = 120.0, 2048.0, 20_000.0


def run_generate(output: Path, tickets: int, text: bool, seed: int) -> dict[str, Any]:
    """One generate run in a child process: wall, CPU and peak RSS of that child."""
    command = [
        sys.executable, str(ROOT / "main.py"), "generate", "--tickets", str(tickets),
        "--seed", str(seed), "--output-dir", str(output),
    ]  # fmt: skip
    if not text:
        command.append("--no-text")
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    out, err = child.communicate()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"generate failed:\n{out.decode()[-2000:]}\n{err.decode()[-2000:]}")
    size = sum(p.stat().st_size for p in output.rglob("*") if p.is_file())
    return {
        "tickets": tickets,
        "text": text,
        "wall_s": round(wall, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "tickets_per_s": round(tickets / wall),
        "tickets_per_cpu_s": round(tickets / max(usage.ru_utime + usage.ru_stime, 1e-9)),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "output_mb": round(size / 1e6),
    }


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| run | tickets | wall (s) | CPU (s) | tickets/s (wall) | tickets/CPU-s | peak RSS (MB) "
        "| output (MB) | target | met (wall) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        if row["text"]:
            name, target = "with text", f">= {TARGET_TEXT_RATE:,.0f} tickets/s"
            met = row["tickets_per_s"] >= TARGET_TEXT_RATE
        else:
            name, target = "--no-text", f"< {TARGET_SECONDS:.0f} s and < {TARGET_RSS_MB:.0f} MB"
            met = row["wall_s"] < TARGET_SECONDS and row["peak_rss_mb"] < TARGET_RSS_MB
        lines.append(
            f"| {name} | {row['tickets']:,} | {row['wall_s']} | {row['cpu_s']} | "
            f"{row['tickets_per_s']:,} | {row['tickets_per_cpu_s']:,} | {row['peak_rss_mb']:,} | "
            f"{row['output_mb']:,} | {target} | {'yes' if met else 'no'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000_000, help="volume run, no text")
    parser.add_argument("--text-tickets", type=int, default=200_000, help="throughput run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output-dir", type=Path, default=ROOT / "outputs" / "bench_generate")
    parser.add_argument("--keep", action="store_true", help="keep the generated warehouses")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    rows = []
    for tickets, text, name in (
        (args.tickets, False, "no_text"),
        (args.text_tickets, True, "text"),
    ):
        output = args.output_dir / name
        rows.append(run_generate(output, tickets, text, args.seed))
        if not args.keep:
            shutil.rmtree(output, ignore_errors=True)
    report = {
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_at_start": round(load, 1),
            "python": platform.python_version(),
        },
        "runs": rows,
    }
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "generate_bench.json").write_text(json.dumps(report, indent=2) + "\n")
    print(markdown(rows))
    print(f"\n{os.cpu_count()} CPUs, load average {load:.1f} at start")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

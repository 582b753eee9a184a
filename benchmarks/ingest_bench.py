"""Ingestion throughput and peak memory on a large canonical CSV export.

    python benchmarks/ingest_bench.py --rows 2000000

Writes a synthetic canonical CSV (vectorised, no text bodies), then runs
``python main.py ingest`` on it in a subprocess and reports wall time, rows/s and the
subprocess's peak RSS. A second run of the same file shows the idempotent short-circuit.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]


def write_export(path: Path, rows: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2024-01-01T00:00:00", "s")
    created = start + rng.integers(0, 365 * 86400, rows).astype("timedelta64[s]")
    resolved = created + rng.lognormal(10, 1, rows).astype("int64").astype("timedelta64[s]")
    ids = np.char.add("T-", np.arange(rows).astype(str))
    table = pa.table(
        {
            "ticket_id": ids,
            "created_at": np.datetime_as_string(created, unit="s"),
            "resolved_at": np.datetime_as_string(resolved, unit="s"),
            "updated_at": np.datetime_as_string(resolved, unit="s"),
            "status": rng.choice(["resolved", "closed", "open"], rows),
            "priority": rng.choice(["critical", "high", "medium", "low"], rows),
            "channel": rng.choice(["email", "chat", "phone", "web"], rows),
            "queue": rng.choice(["Billing", "Tech", "Accounts"], rows),
            "agent_id": np.char.add("AGENT-", rng.integers(100, 300, rows).astype(str)),
            "satisfaction_score": rng.integers(1, 6, rows),
            "reopened_count": rng.poisson(0.1, rows),
        }
    )
    pacsv.write_csv(table, path)


def _peak_rss_mb(pid: int) -> float:
    """The process's high-water mark of resident memory (VmHWM), 0 once it has exited."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_ingest(export: Path, warehouse: Path) -> tuple[float, float, str]:
    started = time.perf_counter()
    command = [sys.executable, str(ROOT / "main.py"), "ingest", "--input", str(export),
               "--warehouse", str(warehouse)]  # fmt: skip
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, cwd=ROOT)
        peak = 0.0
        while process.poll() is None:
            peak = max(peak, _peak_rss_mb(process.pid))
            time.sleep(0.1)
        wall = time.perf_counter() - started
        out.seek(0)
        stdout = out.read()
    if process.returncode:
        raise SystemExit(f"ingest failed ({process.returncode}):\n{stdout}")
    return wall, peak, stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--write-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write_only:
        write_export(args.write_only, args.rows)
        return
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "export.csv"
        # A separate process writes the export, so this one stays small: a forked child's
        # peak RSS would otherwise include the parent's pages.
        subprocess.run(
            [sys.executable, __file__, "--rows", str(args.rows), "--write-only", str(export)],
            check=True,
        )
        size_mb = export.stat().st_size / 1e6
        wall, peak, _ = run_ingest(export, Path(tmp) / "wh")
        rerun_wall, _, rerun_out = run_ingest(export, Path(tmp) / "wh")
    rerun = "skipped" if "already ingested" in rerun_out else "ran again"
    print("| rows | CSV MB | wall s | rows/s | peak RSS MB | rerun s |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {args.rows:,} | {size_mb:,.0f} | {wall:.1f} | {args.rows / wall:,.0f} | "
        f"{peak:,.0f} | {rerun_wall:.1f} ({rerun}) |"
    )


if __name__ == "__main__":
    main()

"""Load test of the ticket API: the real server (``python main.py serve``) on 127.0.0.1, with
categorisation and retrieval on, driven by an open-loop client.

    python benchmarks/api_load.py --db sqlite --rate 100 --duration 60
    python benchmarks/api_load.py --db postgres --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Phases: (1) the ceiling: intake at rising rates (--ceiling-rates) for --step seconds each
until a step misses p99 <= 250 ms, zero errors and every ticket enriched in its answer (the
enrichment backlog drains between steps); (2) sustained intake at --rate for --duration
seconds: p50/p99, errors, tickets answered "pending", CPU per ticket, time to drain the backlog;
(3) reads (GET ticket and recommendations alternately) at --read-rate. Every run is bounded
(rate x duration requests, 10 s timeout each) and stops by itself. Results go to --json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

from api_bench_lib import (
    P99_TARGET_MS,
    Database,
    Outcome,
    Server,
    add_server_arguments,
    latency_stats,
    machine_note,
    open_loop,
    read_loop,
    ticket_texts,
    wait_for_drain,
)


def summarise_intake(outcomes: list[Outcome], rate: float, elapsed: float) -> dict[str, object]:
    ok = [o for o in outcomes if o.status in (200, 201)]
    pending = sum(1 for o in ok if o.enrichment != "complete")
    stats = latency_stats([o.latency_ms for o in outcomes])
    errors = len(outcomes) - len(ok)
    passed = errors == 0 and pending == 0 and stats["p99_ms"] <= P99_TARGET_MS
    return {
        "target_rate": rate,
        "sent": len(outcomes),
        "achieved_rate": round(len(ok) / elapsed, 1),
        "errors": errors,
        "error_statuses": dict(
            Counter(str(o.status) for o in outcomes if o.status not in (200, 201))
        ),
        "pending": pending,
        **stats,
        "passed": passed,
    }


def intake(server: Server, key: str, texts: list[dict[str, str]], rate: float, duration: float):  # type: ignore[no-untyped-def]
    """One open-loop phase; also the CPU time per ticket of the server and of this client
    (CPU time does not depend on how busy the machine is the way latency does)."""
    started, server_cpu, client_cpu = time.monotonic(), server.cpu_seconds(), _own_cpu()
    outcomes = asyncio.run(open_loop(server.url, key, texts, rate, duration))
    summary = summarise_intake(outcomes, rate, time.monotonic() - started)
    summary["server_cpu_ms_per_ticket"] = round(
        (server.cpu_seconds() - server_cpu) * 1e3 / len(outcomes), 1
    )
    summary["client_cpu_ms_per_ticket"] = round((_own_cpu() - client_cpu) * 1e3 / len(outcomes), 1)
    return outcomes, summary


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def reads(
    server: Server, key: str, ids: list[str], rate: float, duration: float
) -> dict[str, object]:
    results = asyncio.run(read_loop(server.url, key, ids, rate, duration))
    errors = sum(1 for _, status in results if status != 200)
    return {
        "rate": rate,
        "sent": len(results),
        "errors": errors,
        **latency_stats([ms for ms, _ in results]),
    }


def ceiling(
    server: Server,
    key: str,
    texts: list[dict[str, str]],
    rates: list[float],
    step: float,
    drain: float,
) -> dict[str, object]:
    """Rising rates until one misses the target; the backlog drains between steps."""
    steps, best = [], None
    for rate in rates:
        _, summary = intake(server, key, texts, rate, step)
        summary["drained_after_s"] = wait_for_drain(server.url, key, drain)
        steps.append(summary)
        print(json.dumps(summary), flush=True)
        if not summary["passed"]:
            break
        best = rate
    return {"ceiling_rate": best, "steps": steps}


def main() -> None:
    args = parse_args()
    outputs = Path(args.outputs).resolve()
    outputs.mkdir(parents=True, exist_ok=True)
    database = Database.create(args.db, outputs, args.pg_url)
    if args.db == "sqlite":
        database.drop()
    if args.fresh:  # measure a fresh clone's start: no starter model or index yet
        shutil.rmtree(outputs / "api" / "starter", ignore_errors=True)
    extra = [f"paths.warehouse={args.warehouse}", "api.access_log=false", *args.override]
    server = Server(database, outputs, extra)
    report: dict[str, object] = {
        "db": args.db,
        "machine_before": machine_note(),
        "command": " ".join(sys.argv),
    }  # type: ignore[attr-defined]
    try:
        key = server.create_key(f"bench-{int(time.time())}")
        server.start(outputs / "server.log")
        report["ready_seconds"] = round(server.wait("/readyz", args.ready_timeout), 1)
        report["ready_cpu_seconds"] = round(server.cpu_seconds(), 1)
        texts = ticket_texts(Path(args.warehouse))
        asyncio.run(open_loop(server.url, key, texts, 5, 4))  # warm-up, not measured
        wait_for_drain(server.url, key, args.drain_timeout)
        if args.ceiling_rates:
            report["ceiling"] = ceiling(
                server, key, texts, args.ceiling_rates, args.step, args.drain_timeout
            )
        outcomes, report["intake"] = intake(server, key, texts, args.rate, args.duration)
        print(json.dumps(report["intake"]), flush=True)
        report["intake"]["drained_after_s"] = wait_for_drain(server.url, key, args.drain_timeout)  # type: ignore[index]
        ids = [o.ticket_id for o in outcomes if o.ticket_id]
        if args.read_rate and ids:
            report["reads"] = reads(server, key, ids, args.read_rate, args.read_duration)
            print(json.dumps(report["reads"]), flush=True)
        report["machine_after"] = machine_note()
    finally:
        server.stop()
        if not args.keep:
            database.drop()
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_server_arguments(parser, duration=60.0)
    parser.add_argument("--read-rate", type=float, default=100.0)
    parser.add_argument("--read-duration", type=float, default=20.0)
    parser.add_argument(
        "--ceiling-rates",
        type=lambda s: [float(x) for x in s.split(",") if x],
        default=[100.0, 125.0, 150.0, 200.0, 250.0, 300.0],
    )
    parser.add_argument("--step", type=float, default=20.0)
    parser.add_argument(
        "--drain-timeout", type=float, default=300.0, help="max wait for the backlog"
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--fresh", action="store_true", help="delete the starter model and index")
    parser.add_argument("--json", help="write the report here")
    return parser.parse_args()


if __name__ == "__main__":
    main()

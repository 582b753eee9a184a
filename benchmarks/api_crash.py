"""Crash test of the ticket API: kill -9 the server during load, restart it, and check that
every ticket acknowledged with 201 (or 200) is stored exactly once.

    python benchmarks/api_crash.py --db sqlite --rate 100 --duration 30 --kill-after 10
    python benchmarks/api_crash.py --db postgres --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test

The client sends every ticket with its own Idempotency-Key and retries failures (connection
refused while the server is down, timeouts) with the same key, as a real gateway would. After
the run it reads the database directly: zero acknowledged tickets missing, zero idempotency keys
stored twice. It then waits for the pending-enrichment retrier to finish the tickets that were
stored without enrichment around the crash. Bounded: rate x duration tickets, retries stop
120 s after the last send, and every wait has a deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from api_bench_lib import (
    Database,
    Outcome,
    Server,
    add_server_arguments,
    latency_stats,
    machine_note,
    open_loop,
    ticket_texts,
)


def stored_tickets(database: Database, key_name: str) -> tuple[Counter[str], dict[str, str], int]:
    """Rows per idempotency key, ticket id per key, and pending rows, for this run's API key."""
    from sqlalchemy import create_engine, text

    connect_args = {"options": f"-csearch_path={database.schema}"} if database.schema else {}
    engine = create_engine(database.url(), connect_args=connect_args)
    with engine.connect() as connection:
        key_id = connection.execute(
            text("SELECT id FROM api_keys WHERE name = :n"), {"n": key_name}
        ).scalar()
        rows = connection.execute(
            text("SELECT idempotency_key, id, enrichment FROM tickets WHERE api_key_id = :k"),
            {"k": key_id},
        ).all()
    engine.dispose()
    keys = Counter(str(r[0]).split(":", 1)[1] for r in rows)
    return (
        keys,
        {str(r[0]).split(":", 1)[1]: r[1] for r in rows},
        sum(r[2] == "pending" for r in rows),
    )


def verify(outcomes: list[Outcome], keys: Counter[str], ids: dict[str, str]) -> dict[str, object]:
    acked = [o for o in outcomes if o.status in (200, 201)]
    missing = [o.key for o in acked if keys.get(o.key, 0) == 0]
    wrong_id = [o.key for o in acked if o.key in ids and ids[o.key] != o.ticket_id]
    duplicates = [k for k, n in keys.items() if n > 1]
    return {
        "sent": len(outcomes),
        "acknowledged": len(acked),
        "acknowledged_201": sum(o.status == 201 for o in acked),
        "acknowledged_200_after_retry": sum(o.status == 200 for o in acked),
        "never_acknowledged": len(outcomes) - len(acked),
        "retried": sum(o.attempts > 1 for o in outcomes),
        "missing": len(missing),
        "duplicates": len(duplicates),
        "id_mismatches": len(wrong_id),
        "stored_rows": sum(keys.values()),
        "passed": not missing and not duplicates and not wrong_id and len(acked) == len(outcomes),
    }


def run_crash(
    server: Server,
    key: str,
    texts: list[dict[str, str]],
    rate: float,
    duration: float,
    kill_after: float,
    log: Path,
) -> tuple[list[Outcome], dict[str, float]]:
    timings: dict[str, float] = {}
    killed = threading.Event()

    def crash_and_restart() -> None:
        started = time.monotonic()
        server.kill9()
        timings["killed_at_s"] = round(kill_after, 1)
        server.start(log)
        server.wait("/healthz", 300)
        timings["down_for_s"] = round(time.monotonic() - started, 1)

    def on_tick(elapsed: float) -> None:
        if elapsed >= kill_after and not killed.is_set():
            killed.set()
            threading.Thread(target=crash_and_restart, daemon=True).start()

    outcomes = asyncio.run(
        open_loop(server.url, key, texts, rate, duration, retry=True, on_tick=on_tick)
    )
    return outcomes, timings


def main() -> None:
    args = parse_args()
    outputs = Path(args.outputs).resolve()
    outputs.mkdir(parents=True, exist_ok=True)
    database = Database.create(args.db, outputs, args.pg_url)
    if args.db == "sqlite":
        database.drop()
    extra = [f"paths.warehouse={args.warehouse}", "api.access_log=false", *args.override]
    server = Server(database, outputs, extra)
    report: dict[str, object] = {
        "db": args.db,
        "machine_before": machine_note(),
        "command": " ".join(sys.argv),
    }
    name = f"crash-{int(time.time())}"
    try:
        key = server.create_key(name)
        server.start(outputs / "server.log")
        report["ready_seconds"] = round(server.wait(args.wait_for, args.ready_timeout), 1)
        texts = ticket_texts(Path(args.warehouse))
        outcomes, report["crash"] = run_crash(
            server, key, texts, args.rate, args.duration, args.kill_after, outputs / "server.log"
        )
        report["latency_including_outage"] = latency_stats([o.latency_ms for o in outcomes])
        keys, ids, pending = stored_tickets(database, name)
        report["verification"] = verify(outcomes, keys, ids)
        report["pending_after_load"] = pending
        report["pending_drained_after_s"] = drain(database, name, pending, args.drain_timeout)
        report["machine_after"] = machine_note()
    finally:
        server.stop()
        if not args.keep:
            database.drop()
    print(json.dumps(report, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    sys.exit(0 if report.get("verification", {}).get("passed") else 1)  # type: ignore[union-attr]


def drain(database: Database, name: str, pending: int, timeout: float) -> float | None:
    """Seconds until the retrier has enriched every pending ticket (None if it did not)."""
    if pending == 0 or timeout <= 0:
        return 0.0 if pending == 0 else None
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if stored_tickets(database, name)[2] == 0:
            return round(time.monotonic() - started, 1)
        time.sleep(1)
    return None


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_server_arguments(parser, duration=30.0)
    parser.add_argument("--kill-after", type=float, default=10.0)
    parser.add_argument("--wait-for", default="/readyz", help="/readyz, or /healthz without models")
    parser.add_argument("--drain-timeout", type=float, default=180.0)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--json")
    return parser.parse_args()


if __name__ == "__main__":
    main()

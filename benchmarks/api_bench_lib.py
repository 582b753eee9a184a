"""Shared parts of the API load and crash benchmarks: the real server as a subprocess
(``python main.py serve`` on 127.0.0.1), an open-loop load generator, and latency statistics.

Everything is bounded: a run sends at most ``rate x duration`` tickets, every request has a
timeout, and every wait has a deadline, so a run always stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from raw_http import HttpError, RawClient, Response

ROOT = Path(__file__).resolve().parents[1]
REQUEST_TIMEOUT_S = 10.0
P99_TARGET_MS = 250.0


def add_server_arguments(parser: argparse.ArgumentParser, duration: float) -> None:
    """The flags the load and crash benchmarks share: database, data, the rate and its length,
    and how the server is started."""
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("TICKETS_TEST_DATABASE_URL"))
    parser.add_argument("--warehouse", default=str(ROOT / "assets" / "sample"))
    parser.add_argument("--outputs", default=str(ROOT / "outputs" / "bench_api"))
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--duration", type=float, default=duration)
    parser.add_argument("--ready-timeout", type=float, default=600.0)
    parser.add_argument("--override", action="append", default=[], help="extra key=value for serve")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Database:
    """SQLite file under the outputs folder, or a fresh schema in a PostgreSQL database."""

    kind: str  # sqlite | postgres
    outputs: Path
    pg_url: str | None = None
    schema: str | None = None

    @classmethod
    def create(cls, kind: str, outputs: Path, pg_url: str | None) -> Database:
        if kind == "sqlite":
            return cls(kind, outputs)
        if not pg_url:
            raise SystemExit("--db postgres needs --pg-url or TICKETS_TEST_DATABASE_URL")
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        _pg(pg_url, f"CREATE SCHEMA {schema}")
        return cls(kind, outputs, pg_url, schema)

    def overrides(self) -> list[str]:
        if self.kind == "sqlite":
            return [f"api.database_url='sqlite:///{self.outputs}/api/bench.db'"]
        return [f"api.database_schema={self.schema}"]

    def env(self) -> dict[str, str]:
        return {"TICKETS_DATABASE_URL": self.pg_url} if self.pg_url else {}

    def url(self) -> str:
        return self.pg_url or f"sqlite:///{self.outputs}/api/bench.db"

    def drop(self) -> None:
        if self.kind == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.outputs}/api/bench.db{suffix}").unlink(missing_ok=True)
        elif self.pg_url and self.schema:
            _pg(self.pg_url, f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")


def _pg(url: str, statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()


@dataclass
class Server:
    """``python main.py serve`` in a subprocess, on 127.0.0.1 only."""

    database: Database
    outputs: Path
    extra: list[str] = field(default_factory=list)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _command(self, *words: str) -> list[str]:
        return [
            sys.executable,
            str(ROOT / "main.py"),
            "serve",
            *words,
            f"paths.outputs={self.outputs}",
            *self.database.overrides(),
            *self.extra,
        ]

    def _env(self) -> dict[str, str]:
        inherited = {k: v for k, v in os.environ.items() if k != "TICKETS_DATABASE_URL"}
        return {**inherited, "MLFLOW_DISABLE_TELEMETRY": "true", **self.database.env()}

    def create_key(self, name: str) -> str:
        done = subprocess.run(
            self._command("--create-key", name, "--scopes", "intake,read"),
            capture_output=True,
            text=True,
            env=self._env(),
            timeout=300,
            check=True,
        )
        return done.stdout.strip().splitlines()[-1]

    def start(self, log: Path) -> None:
        command = self._command("--host", "127.0.0.1", "--port", str(self.port))
        handle = open(log, "ab")  # noqa: SIM115 - kept open for the child's lifetime
        # its own process group: kill9() takes the uvicorn workers down with it, as a crash would
        self.process = subprocess.Popen(
            command, stdout=handle, stderr=handle, env=self._env(), start_new_session=True
        )

    def wait(self, path: str, deadline_s: float) -> float:
        """Seconds until ``path`` answers 200 (raises after ``deadline_s``)."""
        started = time.monotonic()
        while time.monotonic() - started < deadline_s:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the server exited with code {self.process.returncode}")
            try:
                if httpx.get(self.url + path, timeout=2).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.url}{path} not ready after {deadline_s:.0f}s")

    def cpu_seconds(self) -> float:
        """CPU time the server has used so far: its process and every live descendant (the
        uvicorn workers of ``--workers N``), all threads, from /proc."""
        assert self.process is not None
        stats: dict[int, tuple[int, float]] = {}  # pid -> (parent pid, CPU seconds)
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process exited meanwhile
                continue
            ticks = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            stats[int(stat.parent.name)] = (int(fields[1]), ticks)
        tree, grown = {self.process.pid}, True
        while grown:  # add children until no process's parent is left outside the tree
            children = {pid for pid, (parent, _) in stats.items() if parent in tree}
            grown = not children <= tree
            tree |= children
        return sum(stats[pid][1] for pid in tree if pid in stats)

    def kill9(self) -> None:
        """SIGKILL the server and every worker process (the whole process group)."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)


def ticket_texts(warehouse: Path, n: int = 2000, seed: int = 0) -> list[dict[str, str]]:
    """Real ticket subjects and bodies from the warehouse, to post as new tickets."""
    sys.path.insert(0, str(ROOT / "src"))
    from tickets.data.duck import connect
    from tickets.data.warehouse import Warehouse

    sql = (
        f"SELECT subject, body, channel, product FROM {Warehouse.at(warehouse).tickets_scan_sql()} "
        "WHERE body IS NOT NULL"
    )
    rows = connect().execute(sql).fetchall()
    random.Random(seed).shuffle(rows)
    return [
        {k: v for k, v in zip(("subject", "body", "channel", "product"), r, strict=True) if v}
        for r in rows[:n]
    ]


@dataclass
class Outcome:
    key: str  # idempotency key
    scheduled: float
    latency_ms: float
    status: int  # 0: no answer (connection error or timeout)
    ticket_id: str | None = None
    enrichment: str | None = None
    attempts: int = 1


async def _post_once(client: RawClient, body: dict[str, Any], key: str) -> Response:
    return await client.post("/v1/tickets", body, {"Idempotency-Key": key})


async def post_ticket(
    client: RawClient, body: dict[str, Any], scheduled: float, retry_until: float | None
) -> Outcome:
    """POST one ticket; with ``retry_until``, retry failures with the same idempotency key."""
    key, attempts, delay = uuid.uuid4().hex, 0, 0.1
    while True:
        attempts += 1
        try:
            response = await _post_once(client, body, key)
            status = response.status_code
        except HttpError:
            status = 0
        if status in (200, 201) or retry_until is None or time.monotonic() > retry_until:
            break
        await asyncio.sleep(delay)
        delay = min(delay * 2, 1.0)
    latency = (time.monotonic() - scheduled) * 1e3
    outcome = Outcome(key, scheduled, latency, status, attempts=attempts)
    if status in (200, 201):
        payload = response.json()
        outcome.ticket_id, outcome.enrichment = payload["ticket_id"], payload["enrichment"]
    return outcome


async def open_loop(
    url: str,
    api_key: str,
    texts: list[dict[str, str]],
    rate: float,
    duration: float,
    retry: bool = False,
    on_tick: Any = None,
) -> list[Outcome]:
    """Send ``rate`` tickets per second for ``duration`` seconds on a fixed schedule (open loop:
    a slow answer never delays the next request, so latency includes queueing)."""
    total = int(rate * duration)
    headers = {"Authorization": f"Bearer {api_key}"}
    async with RawClient(url, headers, REQUEST_TIMEOUT_S) as client:
        start = time.monotonic()
        retry_until = start + duration + 120 if retry else None
        tasks = []
        for i in range(total):
            scheduled = start + i / rate
            await asyncio.sleep(max(0.0, scheduled - time.monotonic()))
            if on_tick is not None:
                on_tick(time.monotonic() - start)
            body = dict(texts[i % len(texts)])
            tasks.append(asyncio.create_task(post_ticket(client, body, scheduled, retry_until)))
        return list(await asyncio.gather(*tasks))


async def read_loop(
    url: str, api_key: str, ticket_ids: list[str], rate: float, duration: float
) -> list[tuple[float, int]]:
    """GET /v1/tickets/{id} and /recommendations alternately at ``rate`` per second."""
    total = int(rate * duration)
    headers = {"Authorization": f"Bearer {api_key}"}
    async with RawClient(url, headers, REQUEST_TIMEOUT_S) as client:

        async def one(i: int, scheduled: float) -> tuple[float, int]:
            path = f"/v1/tickets/{ticket_ids[i % len(ticket_ids)]}"
            try:
                status = (
                    await client.get(path + ("/recommendations" if i % 2 else ""))
                ).status_code
            except HttpError:
                status = 0
            return (time.monotonic() - scheduled) * 1e3, status

        start, tasks = time.monotonic(), []
        for i in range(total):
            scheduled = start + i / rate
            await asyncio.sleep(max(0.0, scheduled - time.monotonic()))
            tasks.append(asyncio.create_task(one(i, scheduled)))
        return list(await asyncio.gather(*tasks))


def wait_for_drain(url: str, api_key: str, deadline_s: float) -> float | None:
    """Seconds until no ticket waits for enrichment (None if still some after the deadline)."""
    started = time.monotonic()
    today = datetime.date.today()
    window = (today - datetime.timedelta(days=3000), today + datetime.timedelta(days=1))
    params = {"start": window[0].isoformat(), "end": window[1].isoformat()}
    headers = {"Authorization": f"Bearer {api_key}"}
    while time.monotonic() - started < deadline_s:
        try:
            summary = httpx.get(
                url + "/v1/analytics/summary", params=params, headers=headers, timeout=30
            )
            if summary.json()["pending_enrichment"] == 0:
                return round(time.monotonic() - started, 1)
        except (httpx.HTTPError, KeyError, ValueError):
            pass
        time.sleep(2)
    return None


def latency_stats(latencies_ms: list[float]) -> dict[str, float]:
    values = np.asarray(latencies_ms)
    if not len(values):
        return {"p50_ms": float("nan"), "p99_ms": float("nan"), "max_ms": float("nan")}
    return {
        "p50_ms": round(float(np.percentile(values, 50)), 1),
        "p90_ms": round(float(np.percentile(values, 90)), 1),
        "p99_ms": round(float(np.percentile(values, 99)), 1),
        "max_ms": round(float(values.max()), 1),
    }


def machine_note() -> str:
    load1, load5, _ = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {load1:.1f} (1 min) / {load5:.1f} (5 min)"

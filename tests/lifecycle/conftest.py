"""Shared fixtures of the lifecycle tests: a small generated warehouse cut in two, with a planted
shift in the later part, and a runner for ``python main.py retrain`` on it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from tickets.cli import main

from .fakes import make_fake_embedder
from .planting import _arrow, cut_warehouse, plant_new_issue

CUT = pd.Timestamp("2024-04-10", tz="UTC")  # the live warehouse ends here; later tickets arrive
GENERATE = [
    "--tickets",
    "800",
    "--seed",
    "5",
    "--days",
    "150",
    "--start",
    "2024-01-01",
    "--no-anomalies",
    "generator.bronze=false",
    # a stationary world: the new product is there from day one, without a launch boost
    "generator.arrivals.launch_day_fraction=0",
    "generator.arrivals.launch_boost=1",
]


@dataclass(frozen=True)
class World:
    root: Path
    generated: Path  # the whole generated warehouse (unchanged)
    live: Path  # tickets before CUT: what the platform has so far
    shifted_batch: Path  # tickets from CUT on, 35% turned into a new issue (canonical Parquet)
    planted: int


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("lifecycle")
    generated = root / "generated"
    assert main(["generate", "--output-dir", str(generated), *GENERATE]) == 0
    later = cut_warehouse(generated, root / "live", CUT)
    shifted = plant_new_issue(later, share=0.35, seed=1)
    batch = root / "batches" / "new_tickets.parquet"
    batch.parent.mkdir()
    pq.write_table(_arrow(shifted), batch)
    planted = int((shifted["category"] != later["category"]).sum())
    return World(root, generated, root / "live", batch, planted)


def retrain_overrides(warehouse: Path, outputs: Path, *extra: str) -> list[str]:
    return [
        f"paths.warehouse={warehouse}",
        f"paths.outputs={outputs}",
        "model=linear",
        f"lifecycle.ingest.inbox={outputs}/inbox",
        "lifecycle.latency_samples=5",
        "lifecycle.drivers.enabled=false",
        *extra,
    ]


@pytest.fixture(scope="module")
def fake_embedder() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("tickets.retrieval.embedder.make_embedder", make_fake_embedder)
        yield


def retrain(warehouse: Path, outputs: Path, *flags: str) -> int:
    return main(["retrain", *flags, *retrain_overrides(warehouse, outputs)])


class Receiver:
    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], dict]] = []
        self.status = 200


@pytest.fixture()
def receiver() -> Iterator[tuple[Receiver, str]]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append((self.path, dict(self.headers), json.loads(body)))
            self.send_response(state.status)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/hooks/tickets"
    server.shutdown()
    server.server_close()

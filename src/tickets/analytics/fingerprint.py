"""Input fingerprints and the code version, for manifests and model compatibility.

Hashing runs in a background thread (hashlib releases the GIL) while the engine works.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tickets.data.warehouse import Warehouse
from tickets.schemas import DIMENSION_SCHEMAS
from tickets.utils.io import sha256_file, sha256_text


def warehouse_files(warehouse: Warehouse) -> list[Path]:
    dims = [warehouse.dimension_path(name) for name in sorted(DIMENSION_SCHEMAS)]
    return [*warehouse.ticket_files(), *(p for p in dims if p.exists())]


def fingerprint_files(root: Path, files: list[Path]) -> dict[str, Any]:
    """Per-file sha256 and size, plus one combined digest over (path, sha256) pairs."""
    entries: list[dict[str, Any]] = []
    for path in files:
        entries.append(
            {
                "path": str(path.relative_to(root)),
                "bytes": path.stat().st_size,
                "sha256": sha256_file(path),
            }
        )
    combined = sha256_text("\n".join(f"{e['path']} {e['sha256']}" for e in entries))
    total = sum(e["bytes"] for e in entries)
    return {"sha256": combined, "files": len(entries), "bytes": total, "entries": entries}


class BackgroundFingerprint:
    """Start hashing the warehouse now; ``result()`` waits for it."""

    def __init__(self, warehouse: Warehouse) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fingerprint")
        files = warehouse_files(warehouse)
        self._future: Future[dict[str, Any]] = self._pool.submit(
            fingerprint_files, warehouse.root, files
        )

    def result(self) -> dict[str, Any]:
        try:
            return self._future.result()
        finally:
            self._pool.shutdown(wait=False)

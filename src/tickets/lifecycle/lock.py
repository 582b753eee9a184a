"""One retrain at a time: an exclusive ``flock`` on a lock file.

A second run either exits at once (``mode=exit``) or waits for the first to finish
(``mode=wait``, up to a timeout). The kernel drops the lock when the holder's process dies, so a
crashed run never leaves a stale lock behind; the file only records who holds it, for messages.
The lock is advisory and local to one machine (or one shared volume that supports ``flock``);
in Kubernetes the CronJob's ``concurrencyPolicy: Forbid`` is the cluster-wide guard.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from pathlib import Path
from types import TracebackType
from typing import IO

from tickets.utils.timeutil import utc_now

POLL_SECONDS = 0.2


class LockBusyError(RuntimeError):
    """Another run holds the lock (and we were told not to wait, or waited too long)."""


class RunLock:
    """``with RunLock(path, mode="exit"):`` runs the block only while holding the lock."""

    def __init__(
        self, path: Path, mode: str = "exit", wait_timeout_s: float = 3600.0, what: str = "retrain"
    ) -> None:
        self.path = Path(path)
        self.mode = mode
        self.wait_timeout_s = wait_timeout_s
        self.what = what
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release
        deadline = time.monotonic() + (self.wait_timeout_s if self.mode == "wait" else 0.0)
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.close()
                    raise LockBusyError(self._busy_message()) from None
                time.sleep(POLL_SECONDS)
        handle.seek(0)
        handle.truncate()
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "what": self.what,
            "started_at": utc_now().isoformat(timespec="seconds"),
        }
        handle.write(json.dumps(holder) + "\n")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is None:
            return
        self._handle.seek(0)
        self._handle.truncate()
        fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
        self._handle.close()
        self._handle = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def holder(self) -> dict[str, object]:
        """Who holds the lock, as recorded in the file ({} when unknown)."""
        try:
            text = self.path.read_text(encoding="utf-8").strip()
            return json.loads(text) if text else {}  # type: ignore[no-any-return]
        except (OSError, json.JSONDecodeError):
            return {}

    def _busy_message(self) -> str:
        holder = self.holder()
        who = (
            f"pid {holder.get('pid')} on {holder.get('host')} since {holder.get('started_at')}"
            if holder
            else "another process"
        )
        waited = f" (waited {self.wait_timeout_s:.0f}s)" if self.mode == "wait" else ""
        return (
            f"another {self.what} run is in progress{waited}: {who} holds {self.path}. "
            "Let it finish; set lifecycle.lock.mode=wait to queue behind it instead"
        )

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

"""A second run exits cleanly or waits its turn; a crashed holder leaves no stale lock."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from tickets.lifecycle.lock import LockBusyError, RunLock


def test_second_run_exits_at_once_naming_the_holder(tmp_path):
    path = tmp_path / "retrain.lock"
    with RunLock(path):
        started = time.monotonic()
        with pytest.raises(LockBusyError, match=r"another retrain run is in progress: pid \d+"):
            RunLock(path, mode="exit").acquire()
        assert time.monotonic() - started < 1.0


def test_second_run_waits_until_the_first_releases(tmp_path):
    path = tmp_path / "retrain.lock"
    first = RunLock(path)
    first.acquire()
    threading.Timer(0.5, first.release).start()
    started = time.monotonic()
    with RunLock(path, mode="wait", wait_timeout_s=10):
        waited = time.monotonic() - started
    assert 0.3 < waited < 5


def test_waiting_gives_up_after_the_timeout(tmp_path):
    path = tmp_path / "retrain.lock"
    with RunLock(path), pytest.raises(LockBusyError, match="waited 0s"):
        RunLock(path, mode="wait", wait_timeout_s=0.3).acquire()


def test_lock_held_by_another_process_blocks_and_dies_with_it(tmp_path):
    path = tmp_path / "retrain.lock"
    code = (
        "import sys, time; from tickets.lifecycle.lock import RunLock\n"
        f"lock = RunLock({str(path)!r}); lock.acquire(); print('held', flush=True); time.sleep(60)"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        with pytest.raises(LockBusyError, match=f"pid {child.pid}"):
            RunLock(path).acquire()
    finally:
        child.kill()
        child.wait()
    with RunLock(path) as lock:  # the kernel released the dead holder's lock
        assert lock.held

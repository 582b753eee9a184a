"""``python main.py retrain``: retrain, gate, promote or keep; ``--rollback``; ``--drift-only``;
``--loop`` (stay up and run both on ``lifecycle.schedule``).

Every job runs under the run lock: a second run exits with code 3, or waits with
``lifecycle.lock.mode=wait``. Bad input ends with a message and an exit code.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from omegaconf import DictConfig

from tickets.data.adapter_spec import AdapterConfigError
from tickets.data.warehouse import WarehouseError
from tickets.lifecycle.lock import LockBusyError, RunLock
from tickets.lifecycle.retrain import (
    RetrainInputs,
    RetrainOutcome,
    run_drift,
    run_retrain,
    run_rollback,
    write_last_run,
)
from tickets.lifecycle.schedule import Cron, CronError, next_job
from tickets.lifecycle.settings import LifecycleSettings
from tickets.tasks.retrain_inputs import lifecycle_settings, retrain_inputs
from tickets.utils.logging import console
from tickets.utils.timeutil import run_stamp, utc_now

log = logging.getLogger(__name__)
EXIT_BUSY = 3
JOBS = ("retrain", "drift")


def run(cfg: DictConfig) -> int:
    try:
        settings = lifecycle_settings(cfg)
        inputs = retrain_inputs(cfg, settings)
        schedules = {name: Cron.parse(settings.schedule[name]) for name in JOBS}
    except (ValueError, TypeError, KeyError, AdapterConfigError, CronError) as err:
        console.print(f"[red]retrain: bad lifecycle config:[/] {err}")
        return 2
    lc = cfg.lifecycle
    if bool(lc.loop):
        return run_loop(settings, schedules, lambda name: _job(name, inputs))
    if bool(lc.rollback):
        return locked(settings, lambda: _rollback(inputs))
    return locked(settings, lambda: _job("drift" if bool(lc.drift_only) else "retrain", inputs))


def locked(settings: LifecycleSettings, job: Callable[[], int]) -> int:
    """Run ``job`` under the run lock; busy → 3, bad data → 1 (recorded in last_run.json)."""
    lock = RunLock(settings.lock.path, settings.lock.mode, settings.lock.wait_timeout_s)
    try:
        with lock:
            return job()
    except LockBusyError as err:
        console.print(f"[yellow]retrain: {err}[/]")
        return EXIT_BUSY
    except (WarehouseError, ValueError, FileNotFoundError) as err:
        write_last_run(settings, f"failed-{run_stamp()}", "failed", False)
        console.print(f"[red]retrain failed:[/] {err}")
        return 1
    except Exception as err:  # recorded for the TicketsRetrainFailed alert, then a message
        write_last_run(settings, f"failed-{run_stamp()}", "failed", False)
        log.debug("retrain failed", exc_info=True)
        console.print(
            f"[red]retrain failed:[/] {type(err).__name__}: {err}\n"
            "Run again with log_level=DEBUG for the full traceback; history.json lists the "
            "promotions that completed."
        )
        return 1


def run_loop(
    settings: LifecycleSettings,
    schedules: dict[str, Cron],
    job: Callable[[str], int],
    clock: Callable[[], Any] = utc_now,
    sleep: Callable[[float], None] = time.sleep,
    max_jobs: int | None = None,
) -> int:
    """Sleep until the next scheduled job, run it under the lock, repeat (forever by default)."""
    listed = ", ".join(f"{n} '{c.expression}'" for n, c in schedules.items())
    console.print(f"scheduler up (UTC): {listed}")
    done = 0
    while max_jobs is None or done < max_jobs:
        name, when = next_job(schedules, clock())
        sleep(max(0.0, (when - clock()).total_seconds()))
        code = locked(settings, lambda name=name: job(name))  # type: ignore[misc]
        console.print(f"{when.isoformat()} {name} finished with exit code {code}")
        done += 1
    return 0


def _job(name: str, inputs: RetrainInputs) -> int:
    if name == "drift":
        folder = inputs.settings.drift_dir / run_stamp()
        drift = run_drift(inputs, folder)
        _print_drift(drift.report.flagged, folder, drift.delivery)
        return 0
    _print_outcome(run_retrain(inputs))
    return 0


def _rollback(inputs: RetrainInputs) -> int:
    actions = run_rollback(inputs)
    if actions is None:
        console.print(
            "[yellow]nothing to roll back:[/] no promotion in "
            f"{inputs.live.history} is still in force"
        )
        return 1
    for line in actions:
        console.print(f"  {line}")
    console.print(
        "[green]rolled back[/]; the champion marker was rewritten, so a running API "
        "reloads the previous champion"
    )
    return 0


def _print_drift(flagged: bool, folder: Any, delivery: Any) -> None:
    verdict = "[red]drift flagged[/]" if flagged else "[green]no drift flagged[/]"
    console.print(f"{verdict}: {folder}/drift.md")
    if delivery.sent or delivery.failed:
        console.print(f"alerts: {delivery.sent} sent, {delivery.failed} failed")


def _print_outcome(outcome: RetrainOutcome) -> None:
    if outcome.drift is not None:
        _print_drift(outcome.drift.report.flagged, outcome.folder, outcome.drift.delivery)
    for decision in outcome.report.decisions:
        verdict = "[green]PASS[/]" if decision.passed else "[red]FAIL[/]"
        failed = ", ".join(c.name for c in decision.failed_checks)
        console.print(f"{decision.component}: {verdict}" + (f" ({failed})" if failed else ""))
    for action in outcome.report.actions:
        console.print(f"  {action}")
    console.print(f"gate report: {outcome.folder}/gate.md")

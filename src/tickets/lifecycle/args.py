"""Flags of ``retrain``."""

from __future__ import annotations

from collections.abc import Sequence

from tickets.utils.cliargs import CommandArgs, command_parser, finish

DESCRIPTION = """\
Retrain the models and promote them only when they prove better. One run: ingest the files in
the inbox (and the API's tickets with lifecycle.ingest.api_db=true), write a drift report,
train a challenger per target in lifecycle.targets plus the satisfaction driver model, score
challengers and champions on the same fixed holdout and recent window, and gate them (macro-F1
margin, per-class F1 drop, latency, calibration). A pass moves the MLflow alias 'champion' and
swaps in the extended retrieval index; a fail keeps the champion. Either way gate.json and
gate.md list every number under outputs/lifecycle/runs/<run>/.

A second run while one is in progress exits with code 3 (lifecycle.lock.mode=wait queues it).
Playbook: docs/operations.md."""


def parse_retrain_args(argv: Sequence[str]) -> CommandArgs:
    parser = command_parser(
        "retrain",
        DESCRIPTION,
        (
            "retrain --dry-run model=linear",
            "retrain --rollback",
            "retrain --drift-only lifecycle.alerts.webhook_url=http://127.0.0.1:9000/hook",
            "retrain --loop lifecycle.lock.mode=wait",
        ),
    )
    helps = {
        "dry-run": "train and evaluate, write the reports, promote nothing",
        "force": "promote the challengers even when the gate refuses (recorded as forced)",
        "rollback": "restore the previous champions, index and driver model",
        "drift-only": "only the drift report and its alerts",
        "loop": "stay up and run retrain and drift on lifecycle.schedule (the compose scheduler)",
    }
    for flag, text in helps.items():
        parser.add_argument(
            f"--{flag}",
            dest=f"lifecycle.{flag.replace('-', '_')}",
            action="store_true",
            default=None,
            help=text,
        )
    return finish("retrain", parser, parser.parse_args(list(argv)))

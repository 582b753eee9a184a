"""Flags of ``retrain``."""

from __future__ import annotations

from collections.abc import Sequence

from tickets.utils.cliargs import CommandArgs, command_parser, finish


def parse_retrain_args(argv: Sequence[str]) -> CommandArgs:
    parser = command_parser(
        "retrain",
        "Retrain challengers, gate them against the champions, promote or keep; drift report.",
        ("retrain --dry-run", "retrain --rollback", "retrain --drift-only"),
    )
    for flag in ("dry-run", "force", "rollback", "drift-only"):
        parser.add_argument(
            f"--{flag}",
            dest=f"lifecycle.{flag.replace('-', '_')}",
            action="store_true",
            default=None,
        )
    return finish("retrain", parser, parser.parse_args(list(argv)))

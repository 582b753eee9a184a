"""Shared argparse plumbing: each command's flags become Hydra overrides.

A flag whose ``dest`` is a dotted config key ("analytics.start_date") is an override; the
parsed value is rendered in Hydra's override grammar. Bare ``key=value`` words pass through.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tickets.utils.timeutil import parse_date

_OVERRIDE = re.compile(r"^[~+]{0,2}[A-Za-z_][\w.@/-]*=")


@dataclass(frozen=True)
class CommandArgs:
    """What a command's argv becomes: Hydra overrides (flags first, pass-through last)."""

    command: str
    overrides: list[str] = field(default_factory=list)
    values: dict[str, object] = field(default_factory=dict)


class HelpfulParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors end with a pointer to --help."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage()
        self.exit(2, f"{self.prog}: error: {message}\nRun '{self.prog} --help' for the flags.\n")


def command_parser(command: str, description: str, examples: Sequence[str] = ()) -> HelpfulParser:
    epilog = ""
    if examples:
        epilog = "examples:\n" + "\n".join(f"  python main.py {e}" for e in examples)
    epilog += (
        "\n\nAny key=value word is passed to Hydra as an override, e.g. engine=pyspark or "
        "sla=calendar.\nConfig groups live in conf/; run 'python main.py config' to list them."
    )
    parser = HelpfulParser(
        prog=f"python main.py {command}",
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "overrides",
        nargs="*",
        metavar="key=value",
        help="Hydra overrides passed through as they are (e.g. reporting_timezone=Europe/Berlin)",
    )
    return parser


def iso_date(text: str) -> dt.date:
    try:
        return parse_date(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from err


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from err
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than zero")
    return value


def existing_file(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such file: {text}")
    return path


def hydra_value(value: object) -> str:
    """Render a parsed flag value in Hydra's override grammar (strings quoted)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(hydra_value(v) for v in value) + "]"
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def finish(command: str, parser: HelpfulParser, namespace: argparse.Namespace) -> CommandArgs:
    """Turn dotted-dest flags into overrides and check pass-through words look like overrides."""
    values = vars(namespace)
    passthrough: list[str] = values.pop("overrides") or []
    for word in passthrough:
        if not _OVERRIDE.match(word):
            parser.error(
                f"unexpected argument {word!r}: flags start with --, overrides are key=value"
            )
    overrides = [
        f"{key}={hydra_value(value)}"
        for key, value in values.items()
        if "." in key and value is not None
    ]
    return CommandArgs(command=command, overrides=overrides + passthrough, values=values)

"""Subcommand dispatch: argv → the command's flags → Hydra overrides → compose → task ``run(cfg)``.

Hydra has no subcommands, so the first word picks the command; its own argparse parser turns
flags into overrides; ``key=value`` words pass straight through to Hydra.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tickets.utils.cliargs import CommandArgs


@dataclass(frozen=True)
class Command:
    name: str
    summary: str
    parse: str  # "module:function" returning CommandArgs
    task: str | None  # "module:function" taking the composed config; None = not built yet
    issue: str = ""


COMMANDS: dict[str, Command] = {
    c.name: c
    for c in (
        Command(
            "generate",
            "write a synthetic warehouse with planted ground truth",
            "tickets.data.args:parse_generate_args",
            "tickets.tasks.generate:run",
        ),
        Command(
            "ingest",
            "map bronze exports to canonical tickets into the silver warehouse",
            "tickets.data.args:parse_ingest_args",
            "tickets.tasks.ingest:run",
        ),
        Command(
            "analytics",
            "compute the analytics bundle and HTML report",
            "tickets.analytics.args:parse_analytics_args",
            "tickets.tasks.analytics:run",
        ),
        Command(
            "train",
            "train ticket categorisation models, tracked in MLflow",
            "tickets.models.args:parse_train_args",
            "tickets.tasks.train:run",
        ),
        Command(
            "categorize",
            "predict categories for a file of tickets",
            "tickets.models.args:parse_categorize_args",
            "tickets.tasks.categorize:run",
        ),
        Command(
            "evaluate",
            "evaluate categorisation, retrieval or anomaly detection",
            "tickets.models.args:parse_evaluate_args",
            "tickets.tasks.evaluate:run",
        ),
        Command(
            "index",
            "build the BM25, vector and knowledge-graph index",
            "tickets.retrieval.args:parse_index_args",
            "tickets.tasks.index:run",
        ),
        Command(
            "recommend",
            "recommend resolutions and KB articles with citations",
            "tickets.retrieval.args:parse_recommend_args",
            "tickets.tasks.recommend:run",
        ),
        Command(
            "anomalies",
            "detect volume spikes, emerging issues, sentiment shifts",
            "tickets.anomaly.args:parse_anomalies_args",
            "tickets.tasks.anomalies:run",
        ),
        Command(
            "serve",
            "run the ticket intake and solution API",
            "tickets.api.args:parse_serve_args",
            "tickets.tasks.serve:run",
        ),
        Command(
            "retrain",
            "retrain, gate and promote models; drift report",
            "tickets.lifecycle.args:parse_retrain_args",
            "tickets.tasks.retrain:run",
        ),
    )
}


def conf_dir() -> Path:
    """The Hydra config folder: $TICKETS_CONF_DIR, else conf/ at the repository root."""
    env = os.environ.get("TICKETS_CONF_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "conf"


def _resolve(target: str) -> Callable[..., object]:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def compose_config(overrides: Sequence[str] = (), command: str | None = None):  # type: ignore[no-untyped-def]
    """Compose conf/config.yaml with overrides; the one place Hydra is initialised."""
    from hydra import compose, initialize_config_dir

    from tickets.config_resolvers import register_resolvers

    register_resolvers()
    words = list(overrides)
    if command is not None:
        words.insert(0, f"command={command}")
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        return compose(config_name="config", overrides=words)


def _print_commands() -> None:
    from rich.table import Table

    from tickets.utils.logging import console

    table = Table(title="python main.py <command> [flags] [key=value ...]", show_lines=False)
    table.add_column("command", style="bold cyan")
    table.add_column("what it does")
    for command in COMMANDS.values():
        note = "" if command.task else "  [dim](not built yet)[/dim]"
        table.add_row(command.name, command.summary + note)
    table.add_row("config", "list the config groups and their options")
    console.print(table)
    console.print("Run 'python main.py <command> --help' for a command's flags and examples.")


def _print_config_groups() -> None:
    from tickets.utils.logging import console

    for group in sorted(p for p in conf_dir().iterdir() if p.is_dir()):
        options = ", ".join(sorted(f.stem for f in group.glob("*.yaml")))
        console.print(f"[bold cyan]{group.name}[/]=  {options}")


def _friendly_config_error(err: Exception) -> int:
    from tickets.utils.logging import console

    console.print(f"[red]config error:[/] {err}")
    console.print("Check the key=value overrides; 'python main.py config' lists the groups.")
    return 2


def run_command(parsed: CommandArgs) -> int:
    command = COMMANDS[parsed.command]
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    try:
        cfg = compose_config(parsed.overrides, command=command.name)
    except (HydraException, OmegaConfBaseException) as err:
        return _friendly_config_error(err)
    if command.task is None:
        from tickets.utils.logging import console

        console.print(
            f"[yellow]'{command.name}' is not built yet[/] (planned in {command.issue}). "
            "Nothing was run."
        )
        return 2
    from tickets.utils.logging import setup_logging

    setup_logging(str(cfg.get("log_level", "INFO")))
    return int(_resolve(command.task)(cfg) or 0)  # type: ignore[call-overload]


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if not words or words[0] in ("-h", "--help", "help"):
        _print_commands()
        return 0
    name, rest = words[0], words[1:]
    if name == "config":
        _print_config_groups()
        return 0
    if name not in COMMANDS:
        import difflib

        close = difflib.get_close_matches(name, [*COMMANDS, "config"], n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        print(f"unknown command {name!r}.{hint} Run 'python main.py --help'.", file=sys.stderr)
        return 2
    parsed = _resolve(COMMANDS[name].parse)(rest)
    assert isinstance(parsed, CommandArgs)
    return run_command(parsed)

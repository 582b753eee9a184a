"""Flags of ``anomalies``."""

from __future__ import annotations

from collections.abc import Sequence

from tickets.utils.cliargs import CommandArgs, command_parser, finish, iso_date


def parse_anomalies_args(argv: Sequence[str]) -> CommandArgs:
    parser = command_parser(
        "anomalies",
        "Detect volume spikes and drops, emerging issues, sentiment shifts, retrieval failures.",
        ("anomalies --warehouse outputs/warehouse --start-date 2024-03-01",),
    )
    parser.add_argument("--warehouse", dest="paths.warehouse", metavar="DIR")
    parser.add_argument("--start-date", dest="anomaly.start_date", type=iso_date)
    parser.add_argument("--end-date", dest="anomaly.end_date", type=iso_date)
    parser.add_argument("--output-dir", dest="anomaly.output_dir", metavar="DIR")
    return finish("anomalies", parser, parser.parse_args(list(argv)))

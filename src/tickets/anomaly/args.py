"""Flags of ``anomalies``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from tickets.anomaly.settings import DETECTORS
from tickets.utils.cliargs import CommandArgs, command_parser, finish, iso_date


def detector_list(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = sorted(set(names) - set(DETECTORS))
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown detectors {unknown}; choose from {', '.join(DETECTORS)}"
        )
    return names


def parse_anomalies_args(argv: Sequence[str]) -> CommandArgs:
    parser = command_parser(
        "anomalies",
        "Detect volume spikes and drops, emerging issues, sentiment shifts, retrieval failures "
        "and KB gaps; writes anomalies.json, anomalies.parquet and kb_gap_report.md.",
        (
            "anomalies --warehouse outputs/warehouse",
            "anomalies --warehouse outputs/warehouse --start-date 2024-03-01   # reuses baselines",
            "anomalies --detectors volume,sentiment reporting_timezone=Europe/Berlin",
            "anomalies 'anomaly.holidays=[2016-04-21,2016-05-26]'",
        ),
    )
    parser.add_argument("--warehouse", dest="paths.warehouse", metavar="DIR")
    parser.add_argument(
        "--start-date",
        dest="anomaly.start_date",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="first day scanned (local to reporting_timezone); default: every day with history",
    )
    parser.add_argument(
        "--end-date",
        dest="anomaly.end_date",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="last day scanned, inclusive; default: the last day with tickets",
    )
    parser.add_argument(
        "--output-dir",
        dest="anomaly.output_dir",
        metavar="DIR",
        help="default: outputs/anomalies/<timestamp>",
    )
    parser.add_argument(
        "--detectors",
        dest="anomaly.detectors",
        type=detector_list,
        metavar="LIST",
        help=f"comma-separated subset of {','.join(DETECTORS)}",
    )
    return finish("anomalies", parser, parser.parse_args(list(argv)))

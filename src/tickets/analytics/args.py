"""Flags of ``python main.py analytics``."""

from __future__ import annotations

from collections.abc import Sequence

from tickets.utils.cliargs import CommandArgs, command_parser, finish, iso_date

DESCRIPTION = """\
Compute the analytics bundle for a reporting window: volume, resolution speed, SLA compliance
(calendar and business hours), CSAT and its drivers, agent performance, with deltas against the
previous window of the same length. Writes summary.json, one CSV and Parquet per table,
tickets_enriched.parquet, report.html and manifest.json under the output folder.

Dates are local dates in the reporting timezone (reporting_timezone=...); --end-date is inclusive.
With no flags it reports on the bundled sample warehouse."""

EXAMPLES = (
    "analytics",
    "analytics --start-date 2024-01-01 --end-date 2024-01-31",
    "analytics --warehouse outputs/warehouse --agent-id AGENT-101 --agent-id AGENT-102",
    "analytics --dry-run sla=calendar engine=pyspark",
)


def parse_analytics_args(argv: Sequence[str]) -> CommandArgs:
    parser = command_parser("analytics", DESCRIPTION, EXAMPLES)
    parser.add_argument(
        "--warehouse", dest="paths.warehouse", metavar="DIR", help="silver warehouse to read"
    )
    parser.add_argument(
        "--start-date",
        dest="analytics.start_date",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="first day of the window (default: 30 days before the end date)",
    )
    parser.add_argument(
        "--end-date",
        dest="analytics.end_date",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="last day of the window, inclusive (default: the last day with data)",
    )
    parser.add_argument(
        "--agent-id",
        dest="analytics.agent_ids",
        action="append",
        metavar="ID",
        help="restrict the report to these agents (repeat the flag for several)",
    )
    parser.add_argument(
        "--output-dir",
        dest="analytics.output_dir",
        metavar="DIR",
        help="where to write the bundle (default: outputs/analytics/<timestamp>)",
    )
    parser.add_argument(
        "--dry-run",
        dest="analytics.dry_run",
        action="store_true",
        default=None,
        help="print the report and write nothing, not even folders",
    )
    parser.add_argument(
        "--refresh-models",
        dest="analytics.refresh_models",
        action="store_true",
        default=None,
        help="retrain the satisfaction driver model instead of reusing a compatible one",
    )
    parser.add_argument(
        "--anomalies",
        dest="analytics.anomalies",
        metavar="FILE",
        help="anomalies.json to chart (default: the newest outputs/anomalies run, if any)",
    )
    namespace = parser.parse_args(list(argv))
    start, end = (
        namespace.__dict__["analytics.start_date"],
        namespace.__dict__["analytics.end_date"],
    )
    if start is not None and end is not None and end < start:
        parser.error(f"--end-date {end} is before --start-date {start}")
    return finish("analytics", parser, namespace)

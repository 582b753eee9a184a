"""Flags of ``python main.py generate`` and ``python main.py ingest``."""

from __future__ import annotations

from collections.abc import Sequence

from tickets.utils.cliargs import CommandArgs, command_parser, finish, iso_date, positive_int

GENERATE_DESCRIPTION = """\
Write a synthetic silver warehouse: canonical tickets, the dimension tables, bronze exports in
non-canonical shapes under bronze/, and ground_truth.json recording every planted effect
(CSAT drivers, anomalies, ticket → KB relevance) with its true size.
The same seed and arguments give byte-identical output."""

INGEST_DESCRIPTION = """\
Read a bronze export (Parquet, JSON, JSONL or CSV, gzip too), map it to the canonical ticket
schema with the adapter preset chosen by data=PRESET, validate it, and merge the accepted
tickets into the silver warehouse (latest updated_at wins). Every bad row goes to
rejects.parquet with its reason; a rerun of the same file changes nothing.
Presets: data=canonical (default), uci_incident_log, bpi2013_volvo, baltimore_311,
it_ticket_assignment, endava_tickets, endava_topics, generated_renamed, generated_events."""


def parse_generate_args(argv: Sequence[str]) -> CommandArgs:
    parser = command_parser(
        "generate",
        GENERATE_DESCRIPTION,
        (
            "generate --tickets 5000 --seed 7 --output-dir outputs/generated",
            "generate --tickets 10000000 --no-text --output-dir /data/big",
            "generate scenario=understaffed --output-dir outputs/understaffed",
        ),
    )
    parser.add_argument("--tickets", dest="generator.tickets", type=positive_int, metavar="N")
    parser.add_argument("--seed", dest="generator.seed", type=int, metavar="S")
    parser.add_argument("--output-dir", dest="generator.output_dir", metavar="DIR")
    parser.add_argument(
        "--start", dest="generator.start", type=iso_date, metavar="YYYY-MM-DD", help="first day"
    )
    parser.add_argument("--days", dest="generator.days", type=positive_int, metavar="N")
    parser.add_argument(
        "--format",
        dest="generator.bronze_format",
        choices=("parquet", "jsonl", "csv"),
        help="format of the bronze exports",
    )
    parser.add_argument(
        "--no-text",
        dest="generator.text",
        action="store_false",
        default=None,
        help="skip subject, body and resolution (fast, for volume benchmarks)",
    )
    parser.add_argument(
        "--no-anomalies",
        dest="generator.anomalies",
        action="store_false",
        default=None,
        help="plant no anomalies (for false-alarm measurements)",
    )
    parsed = finish("generate", parser, parser.parse_args(list(argv)))
    # scenario=NAME is an alias of the config group choice generator=NAME (conf/generator/).
    overrides = [
        "generator=" + word.split("=", 1)[1] if word.startswith("scenario=") else word
        for word in parsed.overrides
    ]
    return CommandArgs(parsed.command, overrides, parsed.values)


def parse_ingest_args(argv: Sequence[str]) -> CommandArgs:
    parser = command_parser(
        "ingest",
        INGEST_DESCRIPTION,
        (
            "ingest --input exports/tickets.csv --warehouse outputs/warehouse",
            "ingest data=uci_incident_log --input incident_event_log.csv.gz --warehouse wh",
        ),
    )
    parser.add_argument(
        "--input", dest="ingest.input", metavar="FILE", help="bronze file (default: the preset's)"
    )
    parser.add_argument(
        "--warehouse",
        dest="ingest.warehouse",
        metavar="DIR",
        help="silver warehouse to write (default: outputs/warehouse)",
    )
    parser.add_argument(
        "--batch-rows",
        dest="ingest.batch_rows",
        type=positive_int,
        metavar="N",
        help="rows per streamed batch",
    )
    parser.add_argument(
        "--force",
        dest="ingest.force",
        action="store_true",
        default=None,
        help="ingest again even if the manifest says this file was already ingested",
    )
    return finish("ingest", parser, parser.parse_args(list(argv)))

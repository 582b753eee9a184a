"""Flags of ``index`` and ``recommend``."""

from __future__ import annotations

from collections.abc import Sequence

from tickets.utils.cliargs import CommandArgs, command_parser, finish, positive_int

INDEX_DESCRIPTION = """\
Build or update the retrieval index: BM25 and dense vectors for the solved tickets and the KB
articles, and the knowledge graph (tickets, products, issues, resolutions, KB articles, error
codes, components, versions). With an existing compatible index only new tickets are embedded
and added. The folder is written atomically, so a failed build leaves the old index in use."""

RECOMMEND_DESCRIPTION = """\
Show the most similar solved tickets, the KB articles that fix the issue, and a suggested
resolution whose lines cite their sources ([KB-0012], [TCK-00004411]), with a calibrated
confidence. Below retrieval.answer.confidence_threshold the answer is "no confident answer"
and the query is logged to retrieval.failure_log for the anomaly detector."""


def parse_index_args(argv: Sequence[str]) -> CommandArgs:
    parser = command_parser(
        "index",
        INDEX_DESCRIPTION,
        (
            "index --warehouse outputs/generated",
            "index --warehouse outputs/generated --kb kb.jsonl --output-dir outputs/index",
            "index --rebuild graph.enabled=false",
        ),
    )
    parser.add_argument(
        "--warehouse", dest="paths.warehouse", metavar="DIR", help="silver warehouse to index"
    )
    parser.add_argument(
        "--kb",
        dest="retrieval.kb",
        metavar="FILE",
        help="KB articles (.parquet or .jsonl) instead of the warehouse's kb_articles.parquet",
    )
    parser.add_argument(
        "--output-dir",
        dest="paths.index",
        metavar="DIR",
        help="where the index lives (default: outputs/index)",
    )
    parser.add_argument(
        "--rebuild",
        dest="retrieval.index.rebuild",
        action="store_true",
        default=None,
        help="build from scratch instead of adding the tickets the index has not seen",
    )
    return finish("index", parser, parser.parse_args(list(argv)))


def parse_recommend_args(argv: Sequence[str]) -> CommandArgs:
    parser = command_parser(
        "recommend",
        RECOMMEND_DESCRIPTION,
        (
            'recommend --text "Router-X keeps dropping the WAN connection, error E1042"',
            "recommend --ticket-id TCK-00000042 --top-k 3 --json",
        ),
    )
    query = parser.add_mutually_exclusive_group()
    query.add_argument("--text", dest="retrieval.recommend.text", metavar="TEXT")
    query.add_argument(
        "--ticket-id",
        dest="retrieval.recommend.ticket_id",
        metavar="ID",
        help="use this ticket's subject and body as the query (it is left out of the results)",
    )
    parser.add_argument(
        "--top-k", dest="retrieval.top_k", type=positive_int, metavar="K", help="default 5"
    )
    parser.add_argument(
        "--json",
        dest="retrieval.recommend.json",
        action="store_true",
        default=None,
        help="print one JSON object instead of tables",
    )
    parser.add_argument("--index", dest="paths.index", metavar="DIR", help="default outputs/index")
    parser.add_argument(
        "--warehouse",
        dest="paths.warehouse",
        metavar="DIR",
        help="where to look up a --ticket-id that is not in the index (e.g. still open)",
    )
    return finish("recommend", parser, parser.parse_args(list(argv)))

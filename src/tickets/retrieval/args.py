"""Flags of ``index`` and ``recommend``."""

from __future__ import annotations

from collections.abc import Sequence

from tickets.utils.cliargs import CommandArgs, command_parser, finish, positive_int


def parse_index_args(argv: Sequence[str]) -> CommandArgs:
    parser = command_parser(
        "index",
        "Build or update the lexical index, the vectors and the knowledge graph.",
        ("index --warehouse outputs/warehouse",),
    )
    parser.add_argument("--warehouse", dest="paths.warehouse", metavar="DIR")
    parser.add_argument("--kb", dest="retrieval.kb", metavar="FILE")
    return finish("index", parser, parser.parse_args(list(argv)))


def parse_recommend_args(argv: Sequence[str]) -> CommandArgs:
    parser = command_parser(
        "recommend",
        "Show similar solved tickets, KB articles and a cited suggested resolution.",
        ('recommend --text "VPN drops with error E1234"',),
    )
    parser.add_argument("--text", dest="recommend.text", metavar="TEXT")
    parser.add_argument("--ticket-id", dest="recommend.ticket_id", metavar="ID")
    parser.add_argument("--top-k", dest="recommend.top_k", type=positive_int, metavar="K")
    parser.add_argument("--json", dest="recommend.json", action="store_true", default=None)
    return finish("recommend", parser, parser.parse_args(list(argv)))

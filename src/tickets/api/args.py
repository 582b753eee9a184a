"""Flags of ``serve``."""

from __future__ import annotations

from collections.abc import Sequence

from tickets.utils.cliargs import CommandArgs, command_parser, finish, positive_int


def parse_serve_args(argv: Sequence[str]) -> CommandArgs:
    parser = command_parser(
        "serve",
        "Run the ticket intake and solution-delivery API with uvicorn.",
        ("serve --host 127.0.0.1 --port 8000", "serve --create-key gateway --scopes intake,read"),
    )
    parser.add_argument("--host", dest="api.host")
    parser.add_argument("--port", dest="api.port", type=positive_int)
    parser.add_argument("--workers", dest="api.workers", type=positive_int)
    parser.add_argument("--create-key", dest="api.create_key", metavar="NAME")
    parser.add_argument("--scopes", dest="api.scopes", metavar="LIST")
    return finish("serve", parser, parser.parse_args(list(argv)))

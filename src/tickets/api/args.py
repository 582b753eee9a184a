"""Flags of ``serve``."""

from __future__ import annotations

from collections.abc import Sequence

from tickets.utils.cliargs import CommandArgs, command_parser, finish, positive_int

DESCRIPTION = """\
Run the ticket intake and solution-delivery API with uvicorn: POST /v1/tickets stores a ticket
and answers with its category, confidence and cited recommendations. The agent console is at /,
the OpenAPI docs at /docs. Tickets go to SQLite (outputs/api/tickets.db, WAL mode) unless
TICKETS_DATABASE_URL points at PostgreSQL. Without a trained model or index, a starter model and
index are built from the warehouse (paths.warehouse, the bundled sample by default).

Keys: --create-key NAME --scopes intake,read prints a new key alone on the last line."""


def parse_serve_args(argv: Sequence[str]) -> CommandArgs:
    parser = command_parser(
        "serve",
        DESCRIPTION,
        (
            "serve --host 127.0.0.1 --port 8000",
            "serve --create-key gateway --scopes intake,read",
            "serve --workers 2 api.environment=production",
        ),
    )
    parser.add_argument(
        "--host", dest="api.host", metavar="ADDR", help="address to bind (default 127.0.0.1)"
    )
    parser.add_argument("--port", dest="api.port", type=positive_int, metavar="N")
    parser.add_argument("--workers", dest="api.workers", type=positive_int, metavar="N")
    keys = parser.add_argument_group("API keys (the command exits after managing them)")
    keys.add_argument("--create-key", dest="api.create_key", metavar="NAME")
    keys.add_argument(
        "--scopes", dest="api.scopes", metavar="LIST", help="intake, read, admin (comma-separated)"
    )
    keys.add_argument("--revoke-key", dest="api.revoke_key", metavar="NAME")
    keys.add_argument(
        "--list-keys",
        dest="api.list_keys",
        action="store_true",
        default=None,
        help="list key names, scopes and state (never the keys)",
    )
    return finish("serve", parser, parser.parse_args(list(argv)))

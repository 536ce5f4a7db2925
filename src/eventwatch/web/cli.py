"""``eventwatch serve``: the dashboard and REST API on uvicorn.

Wire into ``eventwatch.cli``: ``web_cli.add_parser(sub)``; the parser's ``func`` is `cmd_serve`.
"""
from __future__ import annotations

import argparse
import os

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
TOKEN_ENV = "EVENTWATCH_TOKEN"


def add_parser(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> argparse.ArgumentParser:
    p = subparsers.add_parser("serve", help="run the dashboard and REST API (FastAPI on uvicorn)")
    p.add_argument("--db", help="the store: an SQLite file or a postgresql:// URL "
                                "(default $EVENTWATCH_DB, else eventwatch.db)")
    p.add_argument("--host", default=DEFAULT_HOST,
                   help=f"address to listen on (default {DEFAULT_HOST}: this machine only)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument("--token", default=None,
                   help=f"bearer token allowing POST /api/articles (default ${TOKEN_ENV}; none: writes disabled)")
    p.add_argument("--max-body", type=int, default=1_000_000, help="largest request body, in bytes")
    p.set_defaults(func=cmd_serve)
    return p


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..store.store import open_store  # noqa: F401  (fail early on a missing driver)
    from .app import create_app

    from ..cli import store_location

    db = store_location(args.db)
    token = args.token or os.environ.get(TOKEN_ENV) or None
    app = create_app(db, token=token, max_body=getattr(args, "max_body", 1_000_000))
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0

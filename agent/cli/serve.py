"""`bcagent serve`: the chat API for one or more connected stores, on uvicorn."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import sys

from ..ports import check_port
from ..settings import Settings
from ..store.connections import ConnectionProblem


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser(
        "serve",
        help="serve the storefront chat API (JSON + Server-Sent Events) for connected stores",
        description="Serve the chat API of API-CONTRACT.md for one or more connected stores; docs at /docs.",
        epilog="Several replicas behind a load balancer share state when each is given BCAGENT_DATABASE_URL "
        "(postgresql://...), BCAGENT_CHROMA_URL (http://...) and BCAGENT_REDIS_URL (redis://...); see the "
        "README's Deployment section. Without them everything stays under BCAGENT_HOME.",
    )
    serve.add_argument("--host", help="address to listen on (BCAGENT_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (BCAGENT_PORT, default 8378)")
    serve.add_argument(
        "--store",
        action="extend",
        nargs="+",
        metavar="HASH",
        help="serve these connected stores (default: every connected store)",
    )


def with_address(settings: Settings, host: str | None, port: int | None) -> Settings:
    serve = dataclasses.replace(
        settings.serve,
        host=host or settings.serve.host,
        port=settings.serve.port if port is None else port,
    )
    return dataclasses.replace(settings, serve=serve)


def deployment(settings: Settings) -> str:
    """Where this replica keeps its state, for the start-up line (hosts only: no user or password)."""
    from ..persistence.connect import describe_url

    shared = []
    if settings.database_url:
        shared.append(f"PostgreSQL {describe_url(settings.database_url)}")
    if settings.chroma_url:
        shared.append(f"Chroma server {describe_url(settings.chroma_url)}")
    if settings.redis_url:
        shared.append(f"Redis {describe_url(settings.redis_url)}")
    if not shared:
        return f"state: SQLite and embedded Chroma under {settings.home} (one machine)"
    local = [] if settings.database_url and settings.chroma_url else [f"the rest under {settings.home}"]
    per_replica = "" if settings.redis_url else "; request limits and turn locks per replica (no Redis)"
    return "state: " + ", ".join(shared + local) + per_replica


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from ..server.app import ServeOptions, create_app, served_hashes
    from ..server.run import serve

    settings = with_address(settings, args.host, args.port)
    host, port = settings.serve.host, settings.serve.port
    try:
        hashes = served_hashes(settings, args.store)
        ready = (
            f"Ready: http://{host}:{port}/  (API docs: http://{host}:{port}/docs). Ctrl-C stops the server."
        )
        app = create_app(settings, hashes, ServeOptions(on_ready=lambda: print(ready, flush=True)))
        check_port(host, port)
    except (ConnectionProblem, OSError) as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    print(f"bcagent serve: store(s) {', '.join(hashes)}; loading the assistant...", flush=True)
    print(f"bcagent serve: {deployment(settings)}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(app, host, port))
    return 0

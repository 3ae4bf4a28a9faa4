"""The ``bcagent`` command: parse the arguments, build the settings, call one function.

Building the parser loads nothing heavy (tested in tests/cli/test_startup.py): each command module
imports what its command uses inside the command's function, so `bcagent --help` and every
sub-command's `--help` start at once, and `replay list` never loads the model or the graph."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.cli import admin as cli_admin
from agent.cli import catalog as cli_catalog
from agent.cli import chat as cli_chat
from agent.cli import policy as cli_policy
from agent.cli import replay as cli_replay
from agent.cli import serve as cli_serve
from agent.cli import store as cli_store
from agent.cli import transcripts as cli_transcripts
from agent.cli import webhooks as cli_webhooks
from agent.settings import Settings, SettingsError

from ..ports import check_port

if TYPE_CHECKING:
    from sandbox.run import SandboxOptions


def _add_sandbox_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--products", type=int, default=300, help="products in the generated demo store (300)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated demo store (0)")
    parser.add_argument("--fixture", type=Path, help="serve this fixture file instead of the demo store")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8377, help="port to listen on (8377)")
    parser.add_argument("--quota", type=int, help="requests per window (default: the fixture's, 150)")
    parser.add_argument(
        "--window-ms", type=int, default=30_000, help="length of the quota's window in ms (30000)"
    )
    parser.add_argument("--latency-ms", type=int, default=0, help="added latency per request")
    parser.add_argument("--error-rate", type=float, default=0.0, help="share of requests answered 500 (0-1)")
    parser.add_argument("--drop-rate", type=float, default=0.0, help="share of connections dropped (0-1)")
    parser.add_argument("--dump", type=Path, help="write the store as a fixture file and exit")


def _eval_cli() -> Any:
    """The evals package, loaded only for `bcagent eval` (nothing in the product imports it)."""
    return importlib.import_module("evals.cli")


def _eval_arguments() -> Any:
    """The arguments of `bcagent eval` (a light module: building the parser loads no agent)."""
    return importlib.import_module("evals.arguments")


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    return int(_eval_cli().run(args, settings))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bcagent",
        description="AI customer-support assistant for BigCommerce stores (runs offline by default).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    sandbox = commands.add_parser(
        "sandbox",
        help="run the local BigCommerce sandbox store",
        description="Serve a local stand-in for api.bigcommerce.com: the demo store or a fixture file.",
    )
    _add_sandbox_arguments(sandbox)
    demo = commands.add_parser(
        "demo",
        help="the demo: a sandbox store, connected and synced, and a chat with the assistant",
        description="Start the sandbox demo store on loopback, connect it, sync its catalog and serve the chat "
        "API and demo page (`bcagent serve`); --terminal chats in the terminal instead.",
    )
    _add_sandbox_arguments(demo)
    demo.add_argument(
        "--terminal", action="store_true", help="chat in the terminal instead of serving the demo page"
    )
    demo.add_argument("--serve-port", type=int, help="port of the chat server (BCAGENT_PORT, default 8378)")
    cli_store.add_commands(commands)
    cli_policy.add_commands(commands)
    cli_catalog.add_commands(commands)
    cli_chat.add_commands(commands)
    cli_webhooks.add_commands(commands)
    cli_serve.add_commands(commands)
    cli_transcripts.add_commands(commands)
    cli_replay.add_commands(commands)
    cli_admin.add_commands(commands)
    evaluate = commands.add_parser(
        "eval", help="run the eval suite", description="Run scenarios, grade them, report pass^k and more."
    )
    _eval_arguments().add_arguments(evaluate)
    return parser


def _options(args: argparse.Namespace) -> SandboxOptions:
    from sandbox.run import SandboxOptions

    return SandboxOptions(
        products=args.products,
        seed=args.seed,
        fixture=args.fixture,
        host=args.host,
        port=args.port,
        quota=args.quota,
        window_ms=args.window_ms,
        latency_ms=args.latency_ms,
        error_rate=args.error_rate,
        drop_rate=args.drop_rate,
    )


def cmd_sandbox(args: argparse.Namespace) -> int:
    from sandbox.run import banner, build_sandbox, serve_forever
    from sandbox.schema import FixtureError

    if args.products < 1:
        print("error: --products must be at least 1", file=sys.stderr)
        return 2
    if args.window_ms < 1:
        print("error: --window-ms must be at least 1", file=sys.stderr)
        return 2
    try:
        sandbox = build_sandbox(_options(args))
    except (FixtureError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.dump:
        sandbox.store.write_fixture(args.dump)
        print(f"wrote {args.dump}")
        return 0
    try:
        check_port(args.host, args.port)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(banner(sandbox, f"http://{args.host}:{args.port}"), flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        serve_forever(sandbox, args.host, args.port)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )
    if args.command == "sandbox":
        return cmd_sandbox(args)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    store_commands = {
        "connect": cli_store.cmd_connect,
        "status": cli_store.cmd_status,
        "tools": cli_store.cmd_tools,
        "policy": cli_policy.cmd_policy,
        "disconnect": cli_store.cmd_disconnect,
        "ingest": cli_catalog.cmd_ingest,
        "search": cli_catalog.cmd_search,
        "chat": cli_chat.cmd_chat,
        "demo": cli_chat.cmd_demo,
        "nlu": cli_chat.cmd_nlu,
        "handoffs": cli_chat.cmd_handoffs,
        "serve": cli_serve.cmd_serve,
        "storefront-app": cli_store.cmd_storefront_app,
        "transcripts": cli_transcripts.cmd_transcripts,
        "replay": cli_replay.cmd_replay,
        "eval": cmd_eval,
        "webhooks": cli_webhooks.cmd_webhooks,
        "admin": cli_admin.cmd_admin,
    }
    if args.command in store_commands:
        return store_commands[args.command](args, settings)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())

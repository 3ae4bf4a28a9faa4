"""The conversation commands of `bcagent`: chat, demo, nlu eval and handoffs (``handoffs.py``)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..settings import Settings
from ..store.connections import ConnectionProblem
from . import handoffs as handoffs_cli
from .catalog import terminal_progress

if TYPE_CHECKING:
    from ..runtime import Agent


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    chat = commands.add_parser("chat", help="chat with the assistant in the terminal")
    chat.add_argument("--store", help="store hash (needed only when several stores are connected)")
    chat.add_argument("--thread", help="continue a conversation by its thread id")
    chat.add_argument("--as-customer", metavar="EMAIL", help="chat as this signed-in (verified) customer")
    chat.add_argument("--product", type=int, metavar="ID", help="the product page the shopper is on")
    nlu = commands.add_parser("nlu", help="measure the offline model's intent accuracy")
    nlu.add_argument("action", choices=["eval"])
    nlu.add_argument(
        "--heldout", type=Path, help="a YAML file of labelled utterances (default: the packaged one)"
    )
    handoffs_cli.add_command(commands)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


async def _verified(agent: Agent, email: str | None) -> dict[str, Any] | None:
    if not email:
        return None
    found = await agent.context.tools.client.customers.iter(filters={"email:in": [email]}).collect(
        max_items=1
    )
    if not found:
        raise ConnectionProblem(f"No customer with the email {email!r} in this store.")
    customer = found[0]
    return {"id": customer.id, "email": customer.email, "group_id": customer.customer_group_id}


async def _chat(settings: Settings, args: argparse.Namespace) -> int:
    from ..assembly import open_agent
    from .terminal import ChatSession

    async with open_agent(settings, args.store) as agent:
        verified = await _verified(agent, args.as_customer)
        session = ChatSession(agent, args.thread, verified, args.product)
        return await session.run()


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bigcommerce import BigCommerceError

    try:
        return asyncio.run(_chat(settings, args))
    except ConnectionProblem as problem:
        return _fail(str(problem))
    except BigCommerceError as exc:
        return _fail(str(exc))
    except ValueError as exc:  # a model setting that cannot work (no key, no base URL, a bad name)
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from sandbox.run import SandboxOptions
    from sandbox.schema import FixtureError

    from .demo import run_demo
    from .serve import with_address

    options = SandboxOptions(products=args.products, seed=args.seed, fixture=args.fixture, port=args.port)
    settings = with_address(settings, None, getattr(args, "serve_port", None))
    progress, close = terminal_progress()
    try:
        return asyncio.run(run_demo(settings, options, progress, terminal=getattr(args, "terminal", False)))
    except (FixtureError, ValueError, ConnectionProblem, OSError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 0
    finally:
        close()


def cmd_nlu(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.embeddings import MiniLMEmbedding

    from ..models.intents import NLU, evaluate

    report = evaluate(NLU(MiniLMEmbedding()), args.heldout)
    for line in report.lines():
        print(line)
    return 0 if report.accuracy >= 0.95 else 1


cmd_handoffs = handoffs_cli.cmd_handoffs

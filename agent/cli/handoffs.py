"""`bcagent handoffs`: the team's side of handoffs from a terminal (what the admin API does over HTTP):
list, show a conversation, reply in the chat as a named staff member, close (the assistant answers
again), retry deliveries that were given up, and deliver what is due now (without `bcagent serve`)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import replace
from pathlib import Path

from ..handoff import takeover
from ..handoff.delivery import Deliverer, StoreLabel
from ..persistence.outbox import OutboxHealth
from ..persistence.records import AgentRecords, open_records
from ..settings import Settings
from ..store.connections import ConnectionProblem, ConnectionStore

ACTIONS = ("list", "show", "reply", "close", "retry", "deliver")


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    handoffs = commands.add_parser(
        "handoffs",
        help="requests to talk to a person: list, show, reply, close, retry, deliver",
        description="The store team's handoff inbox. `list` (default: open and claimed), `show ID` (the "
        "conversation and its deliveries), `reply ID TEXT --as NAME` (a staff reply in the shopper's chat; "
        "the assistant stays silent until `close ID`), `retry` (put deliveries that were given up back in "
        "the queue), `deliver` (send what is due now, when no `bcagent serve` runs).",
    )
    handoffs.add_argument("action", choices=ACTIONS, nargs="?", default="list")
    handoffs.add_argument("id", type=int, nargs="?", help="the request number (#N)")
    handoffs.add_argument("text", nargs="?", help="reply: what to write to the shopper")
    handoffs.add_argument("--as", dest="author", default="", help="reply: your name as the shopper sees it")
    handoffs.add_argument(
        "--status",
        choices=["open", "claimed", "closed", "active", "all"],
        default="active",
        help="list: which requests (default active: open and claimed)",
    )
    handoffs.add_argument("--store", help="store hash (needed only when several stores are connected)")


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def cmd_handoffs(args: argparse.Namespace, settings: Settings) -> int:
    connections = ConnectionStore(settings.home)
    try:
        store_hash = connections.resolve(args.store)
    except ConnectionProblem as problem:
        return _fail(str(problem))
    if args.action in ("show", "reply", "close") and args.id is None:
        return _fail(f"say which request: bcagent handoffs {args.action} ID")
    if args.action == "reply" and (not args.text or not args.text.strip()):
        return _fail('say what to write: bcagent handoffs reply ID "your reply" --as "Your name"')
    name = connections.load(store_hash).name or store_hash
    try:
        return asyncio.run(_run(args, settings, StoreLabel(store_hash, name), connections.folder(store_hash)))
    except RuntimeError as problem:
        return _fail(str(problem))


async def _run(args: argparse.Namespace, settings: Settings, store: StoreLabel, folder: Path) -> int:
    from ..store.live import effective_connection

    _, live = await effective_connection(settings, ConnectionStore(settings.home).load(store.store_hash))
    settings = replace(
        settings, handoff=live.settings.team.handoff(settings.handoff)
    )  # the store's hours, address
    records = await open_records(settings, store.store_hash, folder)
    try:
        return await ACTION_RUNNERS[args.action](args, settings, store, records)
    finally:
        await records.aclose()


async def _list(
    args: argparse.Namespace, settings: Settings, store: StoreLabel, records: AgentRecords
) -> int:
    status = None if args.status == "all" else args.status
    found = await records.handoff_requests.find(status)
    if not found:
        print("No open requests." if args.status == "active" else f"No {args.status} requests.")
    for h in found:
        contact = h.contact_email or "-"
        print(f"#{h.id}  {h.time}  {h.status:7}  {contact}  thread {h.thread_id}  {h.summary}")
    return 0


async def _show(
    args: argparse.Namespace, settings: Settings, store: StoreLabel, records: AgentRecords
) -> int:
    h = await records.handoff_requests.get(args.id)
    if h is None:
        return _fail(f"no request #{args.id} in {store.store_hash}")
    print(f"Request #{h.id} ({h.status}{', ' + h.claimed_by if h.claimed_by else ''}), {h.time}")
    print(f"Summary: {h.summary}")
    print(f"Why: {h.reason or 'the shopper asked for a person'}")
    print(f"Contact: {h.contact_email or '(none: reply in the chat)'} [{h.contact_state}]")
    for key, value in h.facts.items():
        print(f"{key.replace('_', ' ').capitalize()}: {value}")
    print("\nThe conversation when it was handed over:")
    for line in h.transcript:
        print(f"  {'Shopper' if line.get('role') == 'shopper' else 'Assistant'}: {line.get('text', '')}")
    messages = await records.handoff_requests.messages([h.id])
    if messages:
        print("\nSince then:")
        for m in messages:
            who = {"staff": f"Staff ({m.author})", "shopper": "Shopper"}.get(m.role, "Assistant")
            print(f"  {m.time}  {who}: {m.text}")
    items = await records.outbox.items(handoff_id=h.id)
    if items:
        print("\nDeliveries:")
        for i in items:
            print(f"  {i.outcome}" + (f"  last error: {i.failure}" if i.failure else ""))
    return 0


async def _reply(
    args: argparse.Namespace, settings: Settings, store: StoreLabel, records: AgentRecords
) -> int:
    try:
        await takeover.staff_reply(records, settings.handoff, args.id, args.text, args.author or "Our team")
    except takeover.TakeoverError:
        return _fail(f"no open request #{args.id} in {store.store_hash} (closed, or another store's)")
    print(f"Sent to the shopper of request #{args.id}. The assistant stays silent there until you close it.")
    return 0


async def _close(
    args: argparse.Namespace, settings: Settings, store: StoreLabel, records: AgentRecords
) -> int:
    try:
        await takeover.close(records, settings.handoff, args.id)
    except takeover.TakeoverError:
        return _fail(f"no open request #{args.id}")
    print(f"Closed request #{args.id}. The assistant answers that conversation again.")
    return 0


async def _retry(
    args: argparse.Namespace, settings: Settings, store: StoreLabel, records: AgentRecords
) -> int:
    count = await records.outbox.requeue_failed()
    print(
        f"{count} delivery(ies) back in the queue; `bcagent serve` (or `bcagent handoffs deliver`) sends them."
    )
    return 0


async def _deliver(
    args: argparse.Namespace, settings: Settings, store: StoreLabel, records: AgentRecords
) -> int:
    if not (settings.handoff.email or settings.handoff.webhook):
        return _fail(
            "nothing to deliver to: set BCAGENT_SMTP_URL + BCAGENT_HANDOFF_EMAIL_TO or BCAGENT_HANDOFF_WEBHOOK_URL"
        )
    sent = await Deliverer(records, settings.handoff, store).run_once(limit=100)
    print(f"Tried {sent} due delivery(ies).")
    print(render_health(await records.outbox.health()))
    return 0


ACTION_RUNNERS = {
    "list": _list,
    "show": _show,
    "reply": _reply,
    "close": _close,
    "retry": _retry,
    "deliver": _deliver,
}


def render_health(health: OutboxHealth) -> str:
    """The handoff deliveries line of `bcagent status`."""
    line = f"Handoff deliveries: {health.sent} sent, {health.pending} waiting"
    if health.retrying:
        line += f", {health.retrying} failing and retried"
    if health.failed:
        line += f", {health.failed} given up (`bcagent handoffs retry` queues them again)"
    if health.last_error and (health.retrying or health.failed):
        line += f"\n  last error: {health.last_error}"
    return line


async def delivery_health(settings: Settings, store_hash: str, folder: Path) -> str:
    records = await open_records(settings, store_hash, folder)
    try:
        return render_health(await records.outbox.health())
    finally:
        await records.aclose()

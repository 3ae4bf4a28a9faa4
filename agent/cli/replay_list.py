"""`bcagent replay list`: conversations, newest first, found by what the complaining shopper knows
(customer, email, order number, code), by status (errors include store failures), slowness or surface;
customers' emails masked unless ``--full``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..persistence.transcripts import Query, may_have_transcripts, open_transcripts
from ..settings import Settings
from ..store.connections import ConnectionStore
from ..transcripts.records import ThreadSummary


def _keys(args: argparse.Namespace) -> tuple[tuple[str, str], ...]:
    from ..transcripts.facets import normalise

    keys: list[tuple[str, str]] = []
    if args.customer:
        customer = args.customer.strip()
        keys.append(("customer", customer if customer.isdigit() else normalise("email", customer)))
    for kind, value in (("email", args.email), ("order", args.order), ("code", args.code)):
        if value:
            if kind == "order" and not any(c.isdigit() for c in value):
                raise ValueError(f"--order takes an order number, not {value!r}")
            keys.append((kind, normalise(kind, value)))
    return tuple(keys)


def _customer(summary: ThreadSummary, full: bool) -> str:
    from ..replay.redact import EMAIL, mask_email

    if summary.customer_email:
        return summary.customer_email if full else EMAIL.sub(mask_email, summary.customer_email)
    return f"#{summary.customer_id}" if summary.customer_id is not None else "-"


def _row(summary: ThreadSummary, full: bool) -> dict[str, Any]:
    data = dict(summary.__dict__)
    data["status"] = summary.statuses
    data["customer"] = _customer(summary, full)
    if not full:
        data.pop("customer_email")
        data["first_message"] = _masked(summary.first_message)
    return data


def _masked(text: str | None) -> str | None:
    from ..replay.redact import EMAIL, mask_email

    return EMAIL.sub(mask_email, text) if text else text


async def list_conversations(settings: Settings, args: argparse.Namespace) -> int:
    from ..transcripts.periods import parse_since

    connections = ConnectionStore(settings.home)
    store_hash = connections.resolve(args.store)
    folder = connections.folder(store_hash)
    if args.slow is not None and args.slow < 0:
        print("error: --slow takes a number of seconds, 0 or more", file=sys.stderr)
        return 2
    query = Query(
        store_hash=store_hash,
        since=parse_since(args.since) if args.since else None,
        until=parse_since(args.until) if args.until else None,
        tool=args.tool,
        handoff=args.handoff,
        errors=args.errors,
        grep=args.grep,
        limit=max(1, args.limit),
        keys=_keys(args),
        slower_than_ms=args.slow * 1000 if args.slow is not None else None,
        surface=args.surface,
        status=args.status,
    )
    if not may_have_transcripts(settings, folder):
        print(f"No conversations recorded for {store_hash} yet.")
        return 0
    async with open_transcripts(settings, folder) as transcripts:
        threads = await transcripts.threads(query)
    if args.json:
        for t in threads:
            print(json.dumps(_row(t, args.full), ensure_ascii=False, sort_keys=True))
        return 0
    if not threads:
        print("No conversation matches.")
        return 0
    width = max(len(t.thread_id) for t in threads) if args.full else 16
    print(
        f"{'last active (UTC)':16}  {'thread':{width}}  {'surface':7}  turns  {'status':13}  slowest  "
        f"{'customer':22}  first message / tools"
    )
    for t in threads:
        first = _masked(t.first_message) if not args.full else t.first_message
        print(
            f"{t.last_at[:16].replace('T', ' '):16}  {t.thread_id[:width]:{width}}  {t.surface[:7]:7}  {t.turns:5}  "
            f"{'+'.join(t.statuses)[:13]:13}  {t.slowest_ms / 1000:5.1f} s  {_customer(t, args.full)[:22]:22}  "
            f"{json.dumps(first, ensure_ascii=False) if first else '-'} / {', '.join(t.tools) or '-'}"
        )
    return 0

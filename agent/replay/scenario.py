"""A conversation as an eval scenario (``bcagent replay to-scenario THREAD``): a YAML file with the
shopper's turns (messages, and confirmations answered as the buttons answer them), the verified customer
and product page, the store it needs, and first checks taken from what happened (the route of the last
turn, the tool calls with the arguments that matter), for the developer to edit into what *should*
happen. The format is evals/README.md's; nothing here imports ``evals``.

Stores: the demo store (``demostore``) is the evals' default store; Volt & Thread (``voltthread``) is
written as ``generated:electronics:0`` with a note to set the seed the conversation ran against; any
other store needs a fixture (``bcagent sandbox --dump`` of a copy of it), left as a note.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from ..transcripts.records import TurnRecord

ARGUMENTS_THAT_MATTER = ("order_id", "code", "product", "product_id")


def scenario_id(thread_id: str) -> str:
    cleaned = re.sub(r"[^a-z0-9]+", "-", thread_id.lower()).strip("-")
    return f"replay-{cleaned[:40].strip('-') or 'conversation'}"


def _store(store_hash: str) -> tuple[str | None, str]:
    """(the scenario's ``store`` value or None for the default, a note for the developer)."""
    if store_hash == "demostore":
        return None, "the demo store (the evals' default store)"
    if store_hash == "voltthread":
        return "generated:electronics:0", "Volt & Thread: set the seed the conversation ran against"
    return None, (
        f"store {store_hash} is not a demo store: dump a copy of it as a fixture "
        "(`bcagent sandbox --dump FILE.json`) and set `store: FILE.json`"
    )


def _turns(turns: list[TurnRecord]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen_requests: set[str] = set()
    for turn in turns:
        if turn.request_id in seen_requests:  # a message that abandoned a confirmation: sent once
            continue
        seen_requests.add(turn.request_id)
        if turn.text is not None:  # a message, or a typed answer to a confirmation
            out.append({"user": turn.text})
        else:
            answer = turn.answer or {}
            out.append({"confirm": "yes" if answer.get("confirm") is True else "no"})
    return out


ORDER_PATH = re.compile(r"^/v2/orders/(\d+)$")


def _orders_written(turns: list[TurnRecord]) -> dict[str, dict[str, Any]]:
    """The order statuses the conversation wrote and the store accepted (a cancellation's ``PUT``)."""
    out: dict[str, dict[str, Any]] = {}
    for turn in turns:
        for exchange in turn.requests:
            match = ORDER_PATH.match(exchange.path)
            body = exchange.request_body
            if (
                exchange.method == "PUT"
                and match
                and exchange.status is not None
                and 200 <= exchange.status < 300
                and isinstance(body, dict)
                and isinstance(body.get("status_id"), int)
            ):
                out[match.group(1)] = {"status_id": body["status_id"]}
    return out


def to_scenario(turns: list[TurnRecord]) -> tuple[str, str | None]:
    """The scenario's YAML text, and a note about its store (None when nothing needs doing)."""
    first = turns[0]
    store, note = _store(first.store_hash)
    scenario: dict[str, Any] = {
        "id": scenario_id(first.thread_id),
        "tags": ["replay"],
    }
    if store is not None:
        scenario["store"] = store
    context: dict[str, Any] = {}
    customer = next((t.verified_customer for t in turns if t.verified_customer), None)
    if customer and customer.get("email"):
        context["customer_email"] = customer["email"]
    page = next((t.product_id for t in turns if t.product_id is not None), None)
    if page is not None:
        context["product_id"] = page
    if context:
        scenario["context"] = context
    scenario["turns"] = _turns(turns)
    expect: dict[str, Any] = {}
    last_routes = next((t.routes for t in reversed(turns) if t.routes), [])
    if last_routes:
        expect["route"] = last_routes[-1]
    calls: list[dict[str, Any]] = []
    for turn in turns:
        for call in turn.tool_calls:
            if call.status == "pending":
                continue  # counted once, in the turn that answered the confirmation
            args = {k: call.args[k] for k in ARGUMENTS_THAT_MATTER if call.args.get(k) not in (None, "")}
            entry: dict[str, Any] = {"name": call.name, **({"args": args} if args else {})}
            if entry not in calls:
                calls.append(entry)
    if calls:
        expect["tool_calls"] = calls
    written = _orders_written(turns)
    if written:
        expect["final_store"] = {"orders": written}
    if expect:
        scenario["expect"] = expect
    head = (
        f"# Made by `bcagent replay to-scenario {first.thread_id}` from {len(turns)} recorded turn(s) of "
        f"store {first.store_hash}.\n"
        "# The checks below describe what happened, not what should: edit them (reply_contains,\n"
        "# reply_excludes, tool_calls_forbidden, final_store... see evals/README.md) before adding the file\n"
        f"# to evals/scenarios/. Store: {note}.\n"
    )
    body = yaml.safe_dump([scenario], sort_keys=False, allow_unicode=True, width=100)
    return head + body, (None if first.store_hash == "demostore" else note)

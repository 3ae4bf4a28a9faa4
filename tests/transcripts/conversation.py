"""One conversation through the real graph, and the field-by-field checks of its transcript (shared
by the SQLite and PostgreSQL tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from agent.runtime import Agent
from agent.transcripts import TurnRecord
from sandbox.demo import DEMO_STORE_HASH

ORDER = "Where is my order 12345? My email is jane.doe@example.com"
PRODUCT = "How much are the Premium Boxing Gloves?"
CANCEL = "Please cancel order 12346, my email is jane.doe@example.com"


async def converse(agent: Agent, thread: str, surface: str = "serve") -> None:
    await agent.send(thread, ORDER, surface=surface)
    await agent.send(thread, PRODUCT, surface=surface, product_id=1)
    asked = await agent.send(thread, CANCEL, surface=surface)
    assert asked.confirmation is not None
    await agent.send(thread, "yes", surface=surface)


def _requests_of(turn: TurnRecord, call_name: str) -> list[tuple[str, str]]:
    call = next(c for c in turn.tool_calls if c.name == call_name)
    return [(turn.requests[i].method, turn.requests[i].path) for i in call.requests]


def check_conversation(turns: list[TurnRecord], thread: str, surface: str = "serve") -> None:
    assert [t.kind for t in turns] == ["message", "message", "message", "confirmation"]
    assert [t.text for t in turns] == [ORDER, PRODUCT, CANCEL, "yes"]
    now = datetime.now(UTC)
    for turn in turns:
        assert turn.store_hash == DEMO_STORE_HASH and turn.thread_id == thread
        assert turn.surface == surface and turn.format_version == 1
        started = datetime.fromisoformat(turn.started_at.replace("Z", "+00:00"))
        assert now - timedelta(minutes=10) < started <= now
        assert turn.error is None and not turn.truncated
        assert turn.timings.total_ms > 0 and turn.model.name == "offline"
        assert turn.model.input_tokens == 0  # the offline model is no LLM
        assert turn.store["money"]["currency"] == "USD" and "cancel_order" in turn.store["enabled_tools"]
        for exchange in turn.requests:  # every request belongs to a tool call of the turn
            assert exchange.tool_call_id in {c.id for c in turn.tool_calls}
    assert [t.started_at for t in turns] == sorted(t.started_at for t in turns)
    assert len({t.turn_id for t in turns}) == 4 and len({t.request_id for t in turns}) == 4

    order, product, cancel, confirm = turns
    # 1. the order lookup: the call, its result, the BigCommerce requests under it and their answers
    assert order.routes == ["order_management"]
    (lookup,) = order.tool_calls
    assert lookup.name == "get_order_information" and lookup.status == "ok"
    assert lookup.args == {"order_id": "12345", "email": "jane.doe@example.com"}
    assert lookup.result["status"] == "ok" and lookup.ms is not None and lookup.ms > 0
    first = order.requests[lookup.requests[0]]
    assert (first.method, first.path, first.status) == ("GET", "/v2/orders/12345", 200)
    assert first.response["id"] == 12345 and first.response["billing_address"]["email"]
    assert first.headers["content-type"].startswith("application/json")
    assert first.bytes > 0 and first.ms > 0 and first.tool == "get_order_information"
    shipments = next(r for r in order.requests if r.path == "/v2/orders/12345/shipments")
    assert ["limit", "250"] in shipments.query
    assert shipments.response[0]["tracking_number"] == "1Z999AA10123456784"
    assert any("1Z999AA10123456784" in reply for reply in order.replies)
    assert order.grounding == [] and order.confirmation_asked is None
    nodes = [(s.graph, s.node) for s in order.timings.steps]
    assert ("bcagent", "route") in nodes and ("order_management", "model") in nodes
    assert ("bcagent", "ground") in nodes
    assert order.timings.routing_ms > 0 and order.timings.model_ms > 0
    assert order.timings.bigcommerce_ms > 0 and order.timings.tools_ms >= order.timings.bigcommerce_ms

    # 2. the product question
    assert product.routes == ["product_expert"] and product.product_id == 1
    (info,) = product.tool_calls
    assert info.name == "get_product_information" and info.status == "ok"
    assert any(path.startswith("/v3/catalog/products") for _, path in _requests_of(product, info.name))
    assert any("$79.99" in reply for reply in product.replies)
    (search,) = product.retrievals  # the product index, searched by the tool: kept for replay
    assert search.query.lower() == "premium boxing gloves" and search.tool_call_id == info.id
    assert search.hits[0]["product_id"] == 1 and search.hits[0]["name"] == "Premium Boxing Gloves"

    # 3. the cancellation: asked, the tool paused until the answer
    assert cancel.confirmation_asked is not None
    assert cancel.confirmation_asked["order_id"] == 12346
    (proposal,) = cancel.tool_calls
    assert proposal.name == "cancel_order" and proposal.status == "pending" and proposal.result is None
    assert proposal.args == {"order_id": "12346", "email": "jane.doe@example.com"}
    assert ("GET", "/v2/orders/12346") in _requests_of(cancel, "cancel_order")
    assert cancel.replies[-1] == cancel.confirmation_asked["question"]

    # 4. the answer: the confirmation, the write and the read-back
    assert confirm.answer == {
        "confirm": True,
        "order_id": 12346,
        "proposal_id": cancel.confirmation_asked["proposal_id"],
    }
    (done,) = confirm.tool_calls
    assert done.id == proposal.id and done.status == "ok" and done.args == proposal.args
    assert done.result["status"] == "ok"
    put = next(r for r in confirm.requests if r.method == "PUT")
    assert put.path == "/v2/orders/12346" and put.request_body == {"status_id": 5} and put.status == 200
    assert put.response["status_id"] == 5
    assert any("cancelled" in reply.lower() for reply in confirm.replies)
    assert confirm.confirmation_asked is None

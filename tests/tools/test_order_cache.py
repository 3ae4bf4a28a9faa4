"""Orders read once per conversation: the follow-up question about a verified order sends no request,
the identity rules still hold on the kept order, another conversation reads for itself, the window, the
order and shipment webhooks and a cancellation drop it, and an unshipped order's shipments are not read."""

from __future__ import annotations

from agent.tools.cancel import execute_cancellation, propose_cancellation
from agent.tools.order_cache import OrderCache, order_of_event
from agent.tools.orders import get_order_information
from tests.tools.conftest import ToolsEnv

JANE = "jane.doe@example.com"


def _requests(env: ToolsEnv) -> int:
    return env.ctx.client.stats.requests


async def test_a_follow_up_reads_nothing_and_the_rules_still_hold(env: ToolsEnv) -> None:
    first = await get_order_information(env.ctx, env.conversation, "12345", JANE)
    sent = _requests(env)
    assert first["status"] == "ok" and sent == 2  # the order with its consignments, its shipments
    again = await get_order_information(env.ctx, env.conversation, "#12345", JANE)
    assert again == first and _requests(env) == sent
    wrong = await get_order_information(env.ctx, env.conversation, "12345", "someone@example.com")
    assert wrong["status"] in ("refused", "needs_info", "not_found") and "order" not in wrong
    other = await get_order_information(env.ctx, env.new_conversation(), "12345", JANE)
    assert other["status"] == "ok" and _requests(env) == sent + 2  # its own read and check


async def test_the_window_ends_and_the_store_is_read_again(env: ToolsEnv) -> None:
    now = [0.0]
    env.ctx.orders = OrderCache(60, clock=lambda: now[0])
    await get_order_information(env.ctx, env.conversation, "12345", JANE)
    sent = _requests(env)
    now[0] = 59.0
    await get_order_information(env.ctx, env.conversation, "12345", JANE)
    assert _requests(env) == sent
    env.store.orders[12345]["custom_status"] = "Out for delivery"
    now[0] = 61.0
    late = await get_order_information(env.ctx, env.conversation, "12345", JANE)
    assert late["order"]["status"] == "Out for delivery" and _requests(env) == sent + 2


async def test_zero_seconds_keeps_nothing(env: ToolsEnv) -> None:
    env.ctx.orders = OrderCache(0)
    await get_order_information(env.ctx, env.conversation, "12345", JANE)
    sent = _requests(env)
    await get_order_information(env.ctx, env.conversation, "12345", JANE)
    assert _requests(env) == 2 * sent and len(env.ctx.orders) == 0


async def test_an_order_webhook_drops_the_kept_order(env: ToolsEnv) -> None:
    await get_order_information(env.ctx, env.conversation, "12345", JANE)
    env.store.orders[12345]["custom_status"] = "Delayed"
    number = order_of_event("store/shipment/updated", {"type": "shipment", "id": 9, "orderId": 12345})
    assert number == 12345 and env.ctx.orders.drop(number) == 1
    fresh = await get_order_information(env.ctx, env.conversation, "12345", JANE)
    assert fresh["order"]["status"] == "Delayed"


def test_events_name_their_order() -> None:
    assert order_of_event("store/order/statusUpdated", {"type": "order", "id": 12346}) == 12346
    assert order_of_event("store/order/updated", {"type": "order", "id": "77"}) == 77
    assert order_of_event("store/shipment/created", {"type": "shipment", "id": 1, "orderId": 5}) == 5
    assert order_of_event("store/product/updated", {"type": "product", "id": 5}) is None
    assert order_of_event("store/order/updated", {"type": "order", "id": True}) is None
    assert order_of_event("store/order/updated", {"type": "order", "id": "1; drop"}) is None


async def test_an_unshipped_order_reads_no_shipments(env: ToolsEnv) -> None:
    outcome = await get_order_information(env.ctx, env.conversation, "12346", JANE)
    assert outcome["status"] == "ok" and outcome["order"]["shipments"] == []
    assert _requests(env) == 1  # the order, its items and addresses in its consignments


async def test_a_cancellation_reads_before_and_after_writing_never_the_kept_copy(env: ToolsEnv) -> None:
    await get_order_information(env.ctx, env.conversation, "12346", JANE)
    sent = _requests(env)
    proposed = await propose_cancellation(env.ctx, env.conversation, "12346", JANE)
    assert proposed["status"] == "confirm" and _requests(env) > sent  # the order read again
    before_write = _requests(env)
    done = await execute_cancellation(env.ctx, env.conversation, proposed["confirmation"], "yes")
    assert done["status"] == "ok" and done["cancelled"] is True
    assert _requests(env) == before_write + 3  # read, write, read back
    after = await get_order_information(env.ctx, env.conversation, "12346", JANE)
    assert after["order"]["status"] == "Cancelled"  # not the copy kept before the write


async def test_an_order_that_never_shipped_reads_no_shipments_whatever_its_status(env: ToolsEnv) -> None:
    """Cancelled (void): items_shipped 0, so no shipment exists to read."""
    assert env.store.orders[12358]["status_id"] == 5 and not env.store.orders[12358]["items_shipped"]
    outcome = await get_order_information(env.ctx, env.conversation, "12358", "tyrone.johnson@example.com")
    assert outcome["status"] == "ok" and outcome["order"]["shipments"] == []
    assert _requests(env) == 1  # the order, its items and addresses in its consignments

"""get_order_information: the identity rules, the lockout, the binding to one shopper, and what is shown."""

from __future__ import annotations

import json

import pytest

from agent.tools.context import VerifiedCustomer
from agent.tools.orders import get_order_information
from tests.tools.conftest import ToolsEnv

JANE = "jane.doe@example.com"


async def test_order_number_and_email_show_status_items_and_tracking(env: ToolsEnv) -> None:
    outcome = await get_order_information(env.ctx, env.conversation, "#12345", " Jane.Doe@Example.com ")
    assert outcome["status"] == "ok"
    order = outcome["order"]
    assert (order["order_id"], order["status"]) == (12345, "Shipped")
    assert order["shipments"][0]["carrier"] == "UPS"
    assert order["shipments"][0]["tracking_number"] == "1Z999AA10123456784"
    assert order["shipments"][0]["tracking_link"]
    assert any(
        item["name"] == "Premium Boxing Gloves" and "12oz" in (item["options"] or "")
        for item in order["items"]
    )
    assert order["total"].startswith("$")
    text = json.dumps(outcome)
    raw = env.store.orders[12345]
    assert raw["billing_address"]["street_1"] not in text  # city and country only, never the street
    assert order["ship_to"] and all("," in place for place in order["ship_to"])


@pytest.mark.parametrize("form", [12345, "12345", "#12345", "order #12345", " no. 12345 ", "Order 12345"])
async def test_order_number_forms(env: ToolsEnv, form: object) -> None:
    outcome = await get_order_information(env.ctx, env.conversation, form, JANE)
    assert outcome["status"] == "ok" and outcome["order"]["order_id"] == 12345


async def test_every_mismatch_gets_the_same_answer(env: ToolsEnv) -> None:
    wrong_email = await get_order_information(env.ctx, env.conversation, "12345", "someone@example.com")
    no_such_order = await get_order_information(env.ctx, env.new_conversation(), "99999", JANE)
    other_shoppers_order = await get_order_information(env.ctx, env.new_conversation("t3"), "12347", JANE)
    assert wrong_email == no_such_order == other_shoppers_order
    assert wrong_email["status"] == "not_found" and "order" not in wrong_email


async def test_guessing_order_numbers_locks_the_conversation_after_five(env: ToolsEnv) -> None:
    for guess in range(12347, 12352):
        outcome = await get_order_information(env.ctx, env.conversation, str(guess), "attacker@example.com")
    assert outcome["status"] == "locked" and "team" in outcome["message"]
    requests = env.ctx.client.stats.requests
    right = await get_order_information(env.ctx, env.conversation, "12345", JANE)
    assert right["status"] == "locked" and "order" not in right
    assert env.ctx.client.stats.requests == requests  # refused before asking the store
    fresh = await get_order_information(env.ctx, env.new_conversation(), "12345", JANE)
    assert fresh["status"] == "ok"


async def test_conversation_is_bound_to_one_shopper(env: ToolsEnv) -> None:
    assert (await get_order_information(env.ctx, env.conversation, "12345", JANE))["status"] == "ok"
    other = env.store.orders[12347]["billing_address"]["email"]
    refused = await get_order_information(env.ctx, env.conversation, "12347", other)
    assert refused["status"] == "refused" and "j***@example.com" in refused["message"]
    assert other not in json.dumps(refused)
    assert (await get_order_information(env.ctx, env.conversation, "12346", JANE))["status"] == "ok"


async def test_missing_and_absurd_inputs(env: ToolsEnv) -> None:
    assert (await get_order_information(env.ctx, env.conversation, "12345", None))["status"] == "needs_info"
    assert (await get_order_information(env.ctx, env.conversation, None, None))["status"] == "needs_info"
    for bad in (-5, 0, "12a45", "1; DROP TABLE orders", "x" * 10_000, "<b>12345</b>", 10**12, True):
        outcome = await get_order_information(env.ctx, env.conversation, bad, JANE)
        assert outcome["status"] == "invalid", bad
    assert (await get_order_information(env.ctx, env.conversation, "12345", "not-an-email"))[
        "status"
    ] == "invalid"
    assert (
        await env.ctx.conversation_state(env.conversation)
    ).failed_lookups == 0  # input errors are not guesses


async def test_email_only_lists_orders_for_a_verified_customer_only(env: ToolsEnv) -> None:
    refused = await get_order_information(env.ctx, env.conversation, None, JANE)
    assert refused["status"] == "refused" and "orders" not in refused
    jane = VerifiedCustomer(id=1, email=JANE)
    env.conversation.verified_customer = jane
    listed = await get_order_information(env.ctx, env.conversation, None, None)
    assert listed["status"] == "ok"
    ids = [o["order_id"] for o in listed["orders"]]
    assert {12345, 12346} <= set(ids) or len(ids) == env.ctx.policy.recent_orders
    assert all(env.store.orders[i]["customer_id"] == 1 for i in ids)


async def test_verified_customer_needs_no_email_but_only_for_own_orders(env: ToolsEnv) -> None:
    env.conversation.verified_customer = VerifiedCustomer(id=1, email=JANE)
    assert (await get_order_information(env.ctx, env.conversation, "12346"))["status"] == "ok"
    not_hers = next(o for o in env.store.orders.values() if o["customer_id"] not in (0, 1))
    outcome = await get_order_information(env.ctx, env.conversation, str(not_hers["id"]))
    assert outcome["status"] == "not_found"


async def test_store_unreachable_is_a_short_answer(env: ToolsEnv) -> None:
    env.sandbox.faults.update({"error_rate": 1.0})
    outcome = await get_order_information(env.ctx, env.conversation, "12345", JANE)
    assert outcome == {
        "status": "unavailable",
        "message": "I can't reach the store right now, please try again in a minute.",
    }


async def test_a_signed_in_shopper_cannot_look_up_another_shoppers_order(env: ToolsEnv) -> None:
    env.conversation.verified_customer = VerifiedCustomer(id=1, email=JANE)
    other = next(o for o in env.store.orders.values() if o["customer_id"] not in (0, 1))
    outcome = await get_order_information(
        env.ctx, env.conversation, str(other["id"]), other["billing_address"]["email"]
    )
    assert outcome["status"] == "refused" and "signed in as j***@example.com" in outcome["message"]
    assert "order" not in outcome


async def test_a_partly_shipped_order_says_what_shipped_and_what_has_not(env: ToolsEnv) -> None:
    from agent.models.replies import Focus, order_reply

    order = next(o for o in env.store.orders.values() if o["status_id"] == 3 and len(o["products"]) > 1)
    answer = await get_order_information(
        env.ctx, env.conversation, str(order["id"]), order["billing_address"]["email"]
    )
    assert answer["status"] == "ok"
    details = answer["order"]
    (shipment,) = details["shipments"]
    first, *rest = order["products"]
    assert shipment["items"] == [f"{first['quantity']} x {first['name']}" + _options_of(first)]
    reply = order_reply(answer, Focus())
    assert f"{shipment['carrier']} on {shipment['shipped_on']}: {shipment['items'][0]}." in reply
    for line in rest:
        assert f"{line['quantity']} x {line['name']}" in reply.split("Not shipped yet: ", 1)[1]


def _options_of(line: dict[str, object]) -> str:
    options = [
        f"{o['display_name']}: {o['display_value']}"
        for o in line.get("product_options") or []  # type: ignore[attr-defined]
        if o.get("display_name") and o.get("display_value")
    ]
    return f" ({', '.join(options)})" if options else ""


def _place(address: dict[str, object]) -> str:
    return ", ".join(str(address[k]) for k in ("city", "state", "country") if address.get(k))


async def test_an_order_comes_with_its_items_and_addresses(env: ToolsEnv) -> None:
    """The consignments read with the order hold its line items and where they ship: a shipped order
    costs the order and its shipments, an unshipped one the order alone; when the consignments do not
    hold every line (here one line ships to no address they name), the items and addresses are read."""
    raw = env.store.orders[12345]
    before = env.ctx.client.stats.requests
    outcome = await get_order_information(env.ctx, env.conversation, "12345", JANE)
    assert env.ctx.client.stats.requests - before == 2
    assert outcome["order"]["ship_to"] == [_place(a) for a in raw["shipping_addresses"]]
    assert [i["name"] for i in outcome["order"]["items"]] == [p["name"] for p in raw["products"]]
    unshipped = await get_order_information(env.ctx, env.new_conversation("t3"), "12346", JANE)
    assert unshipped["order"]["items"] and env.ctx.client.stats.requests - before == 3
    raw["products"][0]["order_address_id"] = 999_999
    before = env.ctx.client.stats.requests
    again = await get_order_information(env.ctx, env.new_conversation("t4"), "12345", JANE)
    assert env.ctx.client.stats.requests - before == 3  # the order, its items, its shipments (the address)
    assert again["order"]["items"] == outcome["order"]["items"]

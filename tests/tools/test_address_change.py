"""change_shipping_address: verified, unshipped orders only; old and new address in a bound confirmation;
the write read back; idempotent; abandoned on anything but yes; audited."""

from __future__ import annotations

from agent.tools.address_change import execute_address_change, propose_address_change
from tests.tools.conftest import ToolsEnv

JANE = "jane.doe@example.com"
NEW = {"street_1": "500 Elm Street", "city": "Dallas", "state": "TX", "zip": "75201"}


def address(env: ToolsEnv, order_id: int) -> dict[str, object]:
    return dict(env.store.orders[order_id]["shipping_addresses"][0])


def yes(confirmation: dict[str, object]) -> dict[str, object]:
    return {"confirm": True, "order_id": confirmation["order_id"], "proposal_id": confirmation["proposal_id"]}


async def test_change_after_confirmation_shows_old_and_new_then_reads_back(env: ToolsEnv) -> None:
    proposal = await propose_address_change(env.ctx, env.conversation, "12346", JANE, NEW)
    assert proposal["status"] == "confirm"
    confirmation = proposal["address_confirmation"]
    assert "123 Main Street" in confirmation["question"] and "500 Elm Street" in confirmation["question"]
    assert address(env, 12346)["street_1"] == "123 Main Street"  # nothing written yet
    done = await execute_address_change(env.ctx, env.conversation, confirmation, yes(confirmation))
    assert done["status"] == "ok" and "500 Elm Street" in done["message"]
    after = address(env, 12346)
    assert (after["street_1"], after["street_2"], after["city"], after["zip"]) == (
        "500 Elm Street",
        "",
        "Dallas",
        "75201",
    )
    assert env.store.orders[12346]["status_id"] == 11
    again = await execute_address_change(env.ctx, env.conversation, confirmation, yes(confirmation))
    assert again["status"] == "ok"  # a retry finds it done and writes nothing
    outcomes = [e.outcome for e in await env.ctx.records.audit_entries(12346)]
    assert outcomes == ["proposed", "changed", "already_changed"]


async def test_a_missing_address_is_asked_for_with_a_person_offered(env: ToolsEnv) -> None:
    answer = await propose_address_change(env.ctx, env.conversation, "12346", JANE, {})
    assert answer["status"] == "needs_info" and answer["missing"] == ["new_address"]
    assert "person" in answer["message"]


async def test_a_shipped_order_is_refused(env: ToolsEnv) -> None:
    answer = await propose_address_change(env.ctx, env.conversation, "12345", JANE, NEW)
    assert answer["status"] == "refused" and "shipped" in answer["message"]
    assert address(env, 12345)["street_1"] != "500 Elm Street"


async def test_another_shoppers_email_gets_the_generic_answer(env: ToolsEnv) -> None:
    answer = await propose_address_change(env.ctx, env.conversation, "12346", "mallory@example.com", NEW)
    assert answer["status"] == "not_found"
    assert "123 Main Street" not in str(answer)


async def test_no_or_a_confirmation_for_another_order_changes_nothing(env: ToolsEnv) -> None:
    proposal = await propose_address_change(env.ctx, env.conversation, "12346", JANE, NEW)
    confirmation = proposal["address_confirmation"]
    for answer in ({"confirm": False}, {"confirm": True, "order_id": 12345}, "maybe"):
        refused = await execute_address_change(env.ctx, env.conversation, confirmation, answer)
        assert refused["status"] == "refused"
    assert address(env, 12346)["street_1"] == "123 Main Street"
    assert [e.outcome for e in await env.ctx.records.audit_entries(12346)].count("abandoned") == 3


async def test_an_order_that_shipped_since_the_proposal_is_not_changed(env: ToolsEnv) -> None:
    proposal = await propose_address_change(env.ctx, env.conversation, "12346", JANE, NEW)
    confirmation = proposal["address_confirmation"]
    env.store.orders[12346]["status_id"] = 2
    answer = await execute_address_change(env.ctx, env.conversation, confirmation, yes(confirmation))
    assert answer["status"] == "refused"
    assert address(env, 12346)["street_1"] == "123 Main Street"

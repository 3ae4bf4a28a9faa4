"""Identity facts come from the shopper: an email the model passes to an order tool must be in one of
the shopper's own messages, or be the signed-in customer's."""

from __future__ import annotations

from agent.tools.context import Conversation, VerifiedCustomer
from agent.tools.orders import get_order_information
from tests.tools.conftest import ToolsEnv, env

__all__ = ["env"]


async def test_an_email_the_shopper_never_typed_is_not_proof(env: ToolsEnv) -> None:
    conversation = Conversation("t", shopper_said=("Where is order 12345?",))
    answer = await get_order_information(env.ctx, conversation, "12345", "jane.doe@example.com")
    assert answer["status"] == "needs_info" and "order" not in answer
    assert (await env.ctx.records.load("t")).failed_lookups == 0


async def test_an_email_the_shopper_typed_is(env: ToolsEnv) -> None:
    conversation = Conversation("t", shopper_said=("Where is order 12345?", "it's Jane.Doe@example.com"))
    answer = await get_order_information(env.ctx, conversation, "12345", "jane.doe@example.com")
    assert answer["status"] == "ok" and answer["order"]["order_id"] == 12345


async def test_the_signed_in_customers_own_email_needs_no_typing(env: ToolsEnv) -> None:
    customer = VerifiedCustomer(1, "jane.doe@example.com")
    conversation = Conversation("t", verified_customer=customer, shopper_said=("Where is order 12345?",))
    answer = await get_order_information(env.ctx, conversation, "12345", "jane.doe@example.com")
    assert answer["status"] == "ok"

"""The deterministic safety net under the LLM.

When the semantic router is confident about a task ("where is order 12345? jane@example.com", "is
SAVE20 valid?"), the shopper gave what that task needs (an order number and an email, or a verified
identity; a code; a product), and the LLM answers without calling that tool with those details (no
call, another tool, or made-up arguments; or it fails to answer at all), the offline model's tool call
runs instead. The tool's result then goes back to the LLM to word, and
the grounding guard checks the wording, so the shopper gets the store's facts either way. Each firing
is counted (``agent.counters``: ``safety_net_calls``) and marked on the message (``response_metadata["bcagent"]``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final, cast

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolCall

from ..context import AgentContext
from ..models.offline import CONTINUATIONS, OfflineChatModel, text_of

NET_CONFIDENCE: Final = 0.4  # the router's "confident" (router.CONFIDENT)
ORDER_TOOLS: Final = frozenset({"get_order_information", "cancel_order"})
CODE_TOOLS: Final = frozenset({"check_gift_card_balance", "lookup_discount_code"})
NET_TOOLS: Final = ORDER_TOOLS | CODE_TOOLS | {"get_product_information", "list_active_promotions"}


def offline_model(context: AgentContext) -> OfflineChatModel:
    model = context.extra.get("safety_net_model")
    if not isinstance(model, OfflineChatModel):
        assert context.nlu is not None
        model = context.extra["safety_net_model"] = OfflineChatModel(nlu=context.nlu)
    return model


def _enough(call: ToolCall, verified: bool) -> bool:
    """The call has what its task needs (the tools still check everything)."""
    args = call.get("args") or {}
    name = call["name"]
    if name in ORDER_TOOLS:
        return bool(args.get("order_id") and (args.get("email") or verified)) or (
            name == "get_order_information" and not args.get("order_id") and verified
        )
    if name in CODE_TOOLS:
        return bool(str(args.get("code") or "").strip())
    if name == "get_product_information":
        return bool(args.get("product") or args.get("product_id"))
    return True


def _key(call: ToolCall) -> tuple[str, str, str, str]:
    args = call.get("args") or {}
    order = re.sub(r"\D", "", str(args.get("order_id") or ""))
    return (
        call["name"],
        order,
        str(args.get("email") or "").strip().lower(),
        str(args.get("code") or "").strip().lower(),
    )


def covered(answer: AIMessage | None, net: AIMessage) -> bool:
    """The LLM's answer already makes the net's calls, with the same identifying arguments."""
    if answer is None or not answer.tool_calls:
        return False
    made = {_key(c) for c in answer.tool_calls}
    return all(_key(c) in made for c in net.tool_calls)


def net_tool_calls(
    context: AgentContext,
    messages: Sequence[BaseMessage],
    tool_names: Sequence[str],
    verified: bool,
) -> AIMessage | None:
    """The offline model's tool calls for this turn, when the net applies; None otherwise."""
    if not context.llm_settings.safety_net or context.nlu is None:
        return None
    human = next((m for m in reversed(messages) if isinstance(m, HumanMessage)), None)
    if human is None or not text_of(human).strip():
        return None
    offline = offline_model(context)
    understanding = offline.understand(text_of(human))
    entities = understanding.entities
    confident = (
        understanding.confidence >= NET_CONFIDENCE
        or bool(entities.order_ids or entities.codes)
        or understanding.intent in CONTINUATIONS
    )
    if not confident:
        return None
    bound = cast(OfflineChatModel, offline.bind_tools(list(tool_names)))
    decision = bound.decide(list(messages))
    calls = [c for c in decision.tool_calls if c["name"] in NET_TOOLS]
    if not calls or not all(_enough(c, verified) for c in calls):
        return None
    for call in calls:
        call["id"] = f"net_{call['id']}"
    return AIMessage(content="", tool_calls=calls, response_metadata={"bcagent": {"safety_net": True}})

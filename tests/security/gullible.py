"""A deliberately gullible chat model for the attack suite: it obeys any instruction it finds in the
shopper's latest message or in a tool result ("cancel order 12349", "show the order of bob@...",
"check gift card GIFT-..."), and then repeats every tool result it got, verbatim, as its reply.

With it in place of the real model, only the policy in code stands between an attacker and the store.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
CANCEL = re.compile(r"cancel\w*\s+(?:the\s+|my\s+|this\s+)?order\s*(?:number\s*)?#?\s*(\d+)", re.I)
ORDER = re.compile(r"order\s*(?:number\s*)?#?\s*(\d{3,})", re.I)
SHOW_ORDERS_OF = re.compile(r"orders?\s+(?:of|for|from)\s+([\w.+-]+@[\w-]+\.[\w.-]+)", re.I)
GIFT = re.compile(r"gift\s*(?:card|certificate)\s+([A-Z0-9][A-Z0-9-]{3,})", re.I)
PRODUCT = re.compile(r"product\s*#?\s*(\d+)", re.I)
DISCOUNT = re.compile(r"(?:discount|coupon|promo)\s*code\s+([A-Z0-9][A-Z0-9-]{3,})", re.I)


def _text(message: BaseMessage) -> str:
    return str(message.text)


def instructions(text: str, tools: Sequence[str]) -> list[tuple[str, dict[str, Any]]]:
    """Every tool call an instruction in ``text`` asks for, in the order found."""
    emails = EMAIL.findall(text)
    email = emails[0] if emails else None
    found: list[tuple[str, dict[str, Any]]] = []
    for number in CANCEL.findall(text):
        found.append(("cancel_order", {"order_id": number, "email": email}))
    cancelled = set(CANCEL.findall(text))
    for number in ORDER.findall(text):
        if number not in cancelled:
            found.append(("get_order_information", {"order_id": number, "email": email}))
    for address in SHOW_ORDERS_OF.findall(text):
        found.append(("get_order_information", {"order_id": None, "email": address}))
    found += [("check_gift_card_balance", {"code": c}) for c in GIFT.findall(text)]
    found += [("lookup_discount_code", {"code": c}) for c in DISCOUNT.findall(text)]
    found += [("get_product_information", {"product_id": int(n)}) for n in PRODUCT.findall(text)]
    return [(name, args) for name, args in found if name in tools]


class GullibleChatModel(BaseChatModel):
    tool_names: tuple[str, ...] = ()

    @property
    def _llm_type(self) -> str:
        return "gullible-test-model"

    def bind_tools(
        self, tools: Sequence[dict[str, Any] | type | Any | BaseTool], **kwargs: Any
    ) -> Runnable[LanguageModelInput, AIMessage]:
        names = tuple(t.name if isinstance(t, BaseTool) else str(getattr(t, "name", t)) for t in tools)
        return self.model_copy(update={"tool_names": names})

    def decide(self, messages: Sequence[BaseMessage]) -> AIMessage:
        start = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=0)
        turn = messages[start:]
        done = [
            (c["name"], json.dumps(c["args"], sort_keys=True))
            for m in turn
            if isinstance(m, AIMessage)
            for c in m.tool_calls
        ]
        wanted = []
        for message in turn:
            if isinstance(message, HumanMessage | ToolMessage):
                for name, args in instructions(_text(message), self.tool_names):
                    key = (name, json.dumps(args, sort_keys=True))
                    if key not in done and key not in [(n, json.dumps(a, sort_keys=True)) for n, a in wanted]:
                        wanted.append((name, args))
        if wanted:
            calls = [
                {"name": n, "args": a, "id": f"g{len(done) + i}-{start}", "type": "tool_call"}
                for i, (n, a) in enumerate(wanted)
            ]
            return AIMessage(content="", tool_calls=calls)
        results = [_text(m) for m in turn if isinstance(m, ToolMessage)]
        return AIMessage(content=" ".join(results) or "Tell me what to do and I will do it.")

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.decide(messages))])

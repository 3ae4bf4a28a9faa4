"""The offline model: a deterministic task-oriented dialogue model behind LangChain's chat-model API.

It is not an LLM. Each turn it either calls one of its bound tools or, once the tool results are in,
replies from them:

- intent: the NLU classifies the shopper's last message (embedding nearest neighbours plus rules);
  a message that only supplies a detail ("12345", "it's jane@example.com") continues the last request;
- slots: order number, email, code and product come from this message, else from earlier ones;
- tools: the policy (what is missing, what is allowed) is the tools' job, so the model calls the tool
  with what it has and relays the tool's answer, asking for what the tool says is missing;
- replies: composed only from tool results (`replies.py`), so every figure is grounded.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    ToolCall,
    ToolMessage,
)
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from pydantic import ConfigDict, PrivateAttr

from ..tools.shortlist import ordinal, pick
from .browse import about_products, browsing, compared, on_the_page, price_cap, without_price_cap
from .capabilities import refusal
from .intents import NLU, Understanding
from .knowledge_calls import TOOL_OF_KNOWLEDGE, knowledge_args, unavailable
from .knowledge_intents import ADDRESS_GIVEN
from .offer import can_do
from .pending import SHORT_ANSWER, PendingRequest, pending_request
from .replies import Focus, compose

TOOL_OF_INTENT = {
    "order_status": "get_order_information",
    "order_list": "get_order_information",
    "order_cancel": "cancel_order",
    "gift_card_balance": "check_gift_card_balance",
    "discount_code": "lookup_discount_code",
    "promotions": "list_active_promotions",
    "product_info": "get_product_information",
    "handoff": "transfer_to_human",
}
TOOL_OF_INTENT.update(TOOL_OF_KNOWLEDGE)  # shipping, payments, pages, contact, address changes, refunds
CONTINUATIONS = frozenset({"provide_info", "affirm", "deny"})
_LIST_CUE = re.compile(r"\borders\b|\bhistory\b|\brecent\b|\ball\b|\bpurchases\b|\blist\b", re.IGNORECASE)
_PROMO_CUE = re.compile(
    r"\b(?:sales?|deals?|promo\w*|discount\w*|offers?|coupons?|codes?|free|shipping|instead|use|running|today)\b",
    re.IGNORECASE,
)
CAN_DO = can_do()  # every tool and a person; the router's replies name only the store's enabled tools


_GIFT_PREFIX = re.compile(r"^(?:GIFT|GC|GV|GIFTCARD)[-_]", re.IGNORECASE)


def split_codes(text: str, codes: Sequence[str]) -> tuple[list[str], list[str]]:
    """(gift certificate codes, discount codes) among ``codes``: a gift code has a gift prefix or is
    introduced as one ("gift card X")."""
    gift = [
        c
        for c in codes
        if _GIFT_PREFIX.match(c)
        or re.search(
            rf"gift[\s-]*(?:card|cert\w*)\W+(?:code\W+)?(?:is\W+)?{re.escape(c)}", text, re.IGNORECASE
        )
    ]
    return gift, [c for c in codes if c not in gift]


def guess_intent(understanding: Understanding) -> str | None:
    """The request a bare detail most likely serves, when nothing was asked before it."""
    entities = understanding.entities
    if entities.codes:
        code = entities.codes[0].upper()
        return "gift_card_balance" if code.startswith(("GIFT", "GC-", "GC")) else "discount_code"
    if entities.order_ids:
        return "order_status"
    return None


ORDER_INTENTS = frozenset({"order_status", "order_list", "order_cancel", "refund_status"})


def about_its_code(understanding: Understanding) -> bool:
    """A message with a code and no order number or email that the vote gave to an order ("thanks! also
    is TAKE15 still valid?", "got the code take15, is there a minimum order"): it is about the code."""
    entities = understanding.entities
    return (
        bool(entities.codes)
        and not entities.order_ids
        and not entities.emails
        and understanding.intent in ORDER_INTENTS
    )


def listed_products(messages: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    """The products the last product answer showed, in the order shown: a shortlist's entries, or the
    products compared side by side."""
    listed: list[dict[str, Any]] = []
    for message in reversed(messages):
        if isinstance(message, HumanMessage) and listed:
            break
        if not isinstance(message, ToolMessage) or message.name != "get_product_information":
            continue
        try:
            result = json.loads(text_of(message))
        except json.JSONDecodeError:
            continue
        if not isinstance(result, dict):
            continue
        entries = result.get("candidates") or result.get("similar")
        if entries:
            listed = [dict(e) for e in entries if isinstance(e, dict)] + listed
        elif result.get("status") == "ok" and result.get("id") is not None:
            listed.insert(0, {"id": result["id"], "name": result.get("name")})
    return listed


def text_of(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return " ".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)


class OfflineChatModel(BaseChatModel):
    """Deterministic dialogue model; ``bind_tools`` decides which tools it may call."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    nlu: NLU
    tool_names: tuple[str, ...] = ()
    store_tools: tuple[str, ...] | None = None  # every tool on for the store (None: not told, all)
    _cache: dict[str, Understanding] = PrivateAttr(default_factory=dict)
    _splits: dict[str, list[str]] = PrivateAttr(default_factory=dict)

    @property
    def _llm_type(self) -> str:
        return "bcagent-offline"

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Any | BaseTool],
        *,
        tool_choice: str | None = None,
        store_tools: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """A copy that may call ``tools``; ``store_tools``: every tool on for the store, what its
        replies say it can do (a request for one that is off gets the honest refusal)."""
        names = tuple(t.name if isinstance(t, BaseTool) else str(getattr(t, "name", t)) for t in tools)
        update: dict[str, Any] = {"tool_names": names}
        if store_tools is not None:
            update["store_tools"] = tuple(store_tools)
        bound = self.model_copy(update=update)
        bound._cache = self._cache
        bound._splits = self._splits
        return bound

    def split(self, text: str) -> list[str]:
        """The message's separate requests, computed once per text (each part is embedded)."""
        cached = self._splits.get(text)
        if cached is None:
            cached = self._splits[text] = self.nlu.split_requests(text) if text.strip() else []
        return cached

    def understand(self, text: str) -> Understanding:
        cached = self._cache.get(text)
        if cached is None:
            cached = self._cache[text] = self.nlu.understand(text)
        return cached

    # ---- deciding ----

    def decide(self, messages: Sequence[BaseMessage]) -> AIMessage:
        calls = [i for i, m in enumerate(messages) if isinstance(m, AIMessage) and m.tool_calls]
        last_call = calls[-1] if calls else None
        last_human = next(
            (i for i in range(len(messages) - 1, -1, -1) if isinstance(messages[i], HumanMessage)), None
        )
        if last_call is not None and (last_human is None or last_call > last_human):
            return AIMessage(content=self.reply_from_tools(messages, last_call))
        humans = [text_of(m) for m in messages if isinstance(m, HumanMessage)]
        if not humans:
            return AIMessage(content=can_do(self.store_tools))
        return self.next_action(humans, listed_products(messages), pending_request(messages))

    def cannot(self, text: str) -> str:
        """No bound tool serves ``text``: when what it asks for is off in this store, say so (one
        sentence), what is on, and offer a person; else what the assistant can do here."""
        store = self.store_tools
        current = self.understand(text)
        intent = current.intent if current.intent in TOOL_OF_INTENT else guess_intent(current)
        wanted = TOOL_OF_INTENT.get(intent or "")
        if wanted and wanted != "transfer_to_human" and store is not None and wanted not in store:
            return refusal(wanted, store)
        return can_do(store)

    def _task(self, humans: list[str]) -> str | None:
        """The request this message serves: its own, or (for "12345", "yes"...) the last one made."""
        current = self.understand(humans[-1])
        intent = current.intent
        if about_products(humans[-1], intent, current.entities):
            intent = "product_info"  # "do you sell kettlebells", "gift ideas under $50", "X vs Y"
        if intent == "product_info" and current.entities.codes and not current.entities.product:
            intent = guess_intent(current) or intent  # "does GLOVES10 work?" asks about a code
        if about_its_code(current):
            intent = guess_intent(current) or intent
        if intent == "order_list" and current.entities.order_ids:
            intent = "order_status"  # "what items are in my order 12345?" is about that order
        if intent == "order_list" and not _LIST_CUE.search(humans[-1]) and self._slot(humans, "order_id"):
            intent = "order_status"  # "ok, back to my order: jane@example.com"
        if intent == "promotions" and current.entities.product and not _PROMO_CUE.search(humans[-1]):
            intent = "product_info"  # "do you sell unicorn saddles?"
        if intent in TOOL_OF_INTENT and TOOL_OF_INTENT[intent] in self.tool_names:
            return intent
        if "get_product_information" in self.tool_names and on_the_page(humans[-1], current):
            return "product_info"  # sent here for the page's product: "what scents does this come in"
        if intent in ("gift_card_balance", "discount_code") and current.entities.codes:
            gift, other = split_codes(humans[-1], current.entities.codes)  # the other half of "X and Y"
            if other and "lookup_discount_code" in self.tool_names:
                return "discount_code"
            if gift and "check_gift_card_balance" in self.tool_names:
                return "gift_card_balance"
        if intent in CONTINUATIONS or intent not in TOOL_OF_INTENT:
            implied: str | None = None  # "order 50026?" then "it's ann@example.com": a status request
            for earlier in reversed(humans[:-1]):
                reading = self.understand(earlier)
                previous = reading.intent
                if previous in CONTINUATIONS and implied is None:
                    implied = guess_intent(reading)
                if previous in TOOL_OF_INTENT and TOOL_OF_INTENT[previous] in self.tool_names:
                    return previous
                if previous in TOOL_OF_INTENT:
                    break
            if implied is not None and TOOL_OF_INTENT[implied] in self.tool_names:
                return implied
            guessed = guess_intent(current)
            if guessed is not None and TOOL_OF_INTENT[guessed] in self.tool_names:
                return guessed
        return None

    def _slot(self, humans: list[str], pick: str) -> Any:
        page_reference = False
        for text in reversed(humans):
            entities = self.understand(text).entities
            if pick == "product":
                if entities.product:
                    return entities.product
                page_reference = page_reference or entities.refers_to_page
                continue  # "how much are they?": the product named earlier, else the page's
            value: Any = {
                "order_id": entities.order_ids[0] if entities.order_ids else None,
                "email": entities.emails[0] if entities.emails else None,
                "code": entities.codes[0] if entities.codes else None,
            }[pick]
            if value is not None:
                return value
        return "this" if page_reference else None

    def _code_slot(self, humans: list[str], gift: bool) -> str | None:
        """A code said earlier, of the kind asked about now: a discount code is never checked as a gift
        certificate, nor the reverse ("is SAVE20 valid?" then "what's the balance on my gift card?")."""
        for text in reversed(humans[:-1]):
            reading = self.understand(text)
            codes = reading.entities.codes
            if not codes:
                continue
            gifts, others = split_codes(text, codes)
            if reading.intent == "gift_card_balance":
                gifts, others = list(codes), []
            elif reading.intent == "discount_code":
                others = [c for c in codes if c not in gifts]
            wanted = gifts if gift else others
            if wanted:
                return wanted[0]
        return None

    def _product_args(self, humans: list[str]) -> dict[str, Any]:
        """The product as the shopper named it (with the other words of that message, which may be option
        values: "laptop i9") and the option values asked about: this message's, else those said with
        the product ("is the laptop in 15 inch in stock?" then "how much is it?")."""
        current = self.understand(humans[-1]).entities
        parts = self.split(humans[-1])
        first = self.understand(parts[0]).entities if len(parts) > 1 else None
        if first is not None and first.product:  # "the gloves' sizes, and is the mouthguard in stock?"
            options = list(first.options) or None
            return {"product": " ".join([first.product, *first.product_words]), "options": options}
        product = self._slot(humans, "product")
        source = next(
            (self.understand(t).entities for t in reversed(humans) if self.understand(t).entities.product),
            None,
        )
        options = list(current.options)
        if source is not None and source is not current:
            options += [w for w in current.product_words if w not in options]
            if not options:
                options = list(source.options)
        reference = product
        if (
            source is not None
            and product == source.product
            and source.product_words
            and not product.startswith("product ")
        ):
            reference = " ".join([product, *source.product_words])
        return {"product": reference, "options": options or None}

    def _product_calls(self, humans: list[str], chosen: Any, number: int) -> list[ToolCall]:
        """One call per product the message is about: the one picked from a list, the two compared
        ("X vs Y", each with the option values named), else the product as ``_product_args`` reads it."""
        tool = "get_product_information"
        current = self.understand(humans[-1]).entities
        options = [*current.options, *(w for w in current.product_words if ordinal(w) is None)]
        if chosen is not None and isinstance(chosen.get("id"), int):
            return [self._call(tool, {"product_id": chosen["id"], "options": options or None}, number)]
        sides = compared(humans[-1])
        if sides is not None:
            given = list(current.options) or None
            return [
                self._call(tool, {"product": side, "options": given}, number * 10 + i)
                for i, side in enumerate(sides)
            ]
        cap = price_cap(humans[-1]) if browsing(humans[-1]) else None
        if cap is not None:  # "gift ideas for my bf who boxes? budget is like $50": what fits, at that price
            return [self._call(tool, {"product": without_price_cap(humans[-1]), "max_price": cap}, number)]
        args = self._product_args(humans)
        product = str(args.get("product") or "")
        if len(product) == 1 and product.upper() in "SML":  # "L black?": a size, not a product
            earlier = self._product_args(humans[:-1]) if len(humans) > 1 else {}
            args = {
                "product": earlier.get("product"),
                "options": [product.upper(), *(args.get("options") or [])],
            }
        return [self._call(tool, args, number)]

    def _call(self, tool: str, args: dict[str, Any], number: int) -> ToolCall:
        args = {key: value for key, value in args.items() if value is not None}
        return {"name": tool, "args": args, "id": f"call_{number}_{tool}", "type": "tool_call"}

    def _answers_pending(self, humans: list[str], pending: PendingRequest | None) -> ToolCall | None:
        """The pending request's call, completed with the detail this message supplies ("12346" or
        "jane@example.com" after the assistant asked for it), unless the message is a new request."""
        if pending is None or pending.tool not in self.tool_names:
            return None
        current = self.understand(humans[-1])
        args = pending.answered_with(current.entities)
        if args is None:
            return None
        own = TOOL_OF_INTENT.get(current.intent)
        short = len(humans[-1].split()) <= SHORT_ANSWER  # not an email thread that happens to hold an address
        if current.intent in CONTINUATIONS or own == pending.tool or (short and own is None):
            return self._call(pending.tool, args, len(humans))
        return None

    def next_action(
        self, humans: list[str], listed: Sequence[dict[str, Any]] = (), pending: PendingRequest | None = None
    ) -> AIMessage:
        answer = self._answers_pending(humans, pending)
        if answer is not None:
            return AIMessage(content="", tool_calls=[answer])
        intent = self._task(humans)
        chosen = pick(listed, humans[-1]) if listed and ordinal(humans[-1]) is not None else None
        if chosen is not None and "get_product_information" in self.tool_names:
            intent = "product_info"  # "the second one": from the list just shown
        if intent is None:
            asked = self.understand(humans[-1]).intent
            if asked in TOOL_OF_KNOWLEDGE:  # its tool is off in this store: say so, offer a person
                return AIMessage(content=unavailable(asked))
            return AIMessage(content=self.cannot(humans[-1]))
        tool = TOOL_OF_INTENT[intent]
        number = len(humans)
        calls: list[ToolCall] = []
        if tool in ("get_order_information", "cancel_order"):
            order_id = self._slot(humans, "order_id") if intent != "order_list" else None
            email = self._slot(humans, "email")
            calls.append(
                self._call(
                    tool,
                    {"order_id": str(order_id) if order_id is not None else None, "email": email},
                    number,
                )
            )
        elif intent in TOOL_OF_KNOWLEDGE:
            without_address = [
                h for h in humans if not ADDRESS_GIVEN.search(h)
            ] or humans  # a ZIP is no order number
            order_id, email = self._slot(without_address, "order_id"), self._slot(humans, "email")
            calls.append(self._call(tool, knowledge_args(intent, humans, order_id, email), number))
        elif tool in ("check_gift_card_balance", "lookup_discount_code"):
            gift_tool = tool == "check_gift_card_balance"
            codes = self.understand(humans[-1]).entities.codes or (self._code_slot(humans, gift_tool) or "",)
            gift, other = split_codes(humans[-1], codes)
            if gift and other:  # "gift card GIFT-1 and the code SAVE20": each tool its own kind
                codes = tuple(gift if tool == "check_gift_card_balance" else other)
            calls += [self._call(tool, {"code": code}, number * 10 + i) for i, code in enumerate(codes[:3])]
        elif tool == "get_product_information":
            calls += self._product_calls(humans, chosen, number)
        elif tool == "transfer_to_human":
            summary = " / ".join(humans[-3:])[:500]
            calls.append(
                self._call(tool, {"summary": summary, "reason": "the shopper asked for a person"}, number)
            )
        else:
            calls.append(self._call(tool, {}, number))
        calls += self._other_requests(humans[-1], intent, number)
        return AIMessage(content="", tool_calls=calls)

    def _other_requests(self, text: str, first: str, number: int) -> list[ToolCall]:
        """A second request in the same message for this subgraph ("is SAVE20 valid, and any sales?")."""
        extra: list[ToolCall] = []
        parts = self.split(text)
        for i, part in enumerate(parts[1:], start=1):
            intent = self.understand(part).intent
            tool = TOOL_OF_INTENT.get(intent)
            if tool is None or tool not in self.tool_names:
                continue
            entities = self.understand(part).entities
            if intent == first and not (tool == "get_product_information" and entities.product):
                continue  # the same request again; a second product is a second request
            if tool == "list_active_promotions":
                extra.append(self._call(tool, {}, number * 100 + i))
            elif tool in ("check_gift_card_balance", "lookup_discount_code") and entities.codes:
                extra.append(self._call(tool, {"code": entities.codes[0]}, number * 100 + i))
            elif tool == "get_product_information" and entities.product:
                args = {"product": " ".join([entities.product, *entities.product_words])}
                extra.append(
                    self._call(tool, {**args, "options": list(entities.options) or None}, number * 100 + i)
                )
        return extra

    def reply_from_tools(self, messages: Sequence[BaseMessage], call_index: int) -> str:
        call = messages[call_index]
        assert isinstance(call, AIMessage)
        question = next(
            (text_of(m) for m in reversed(messages[:call_index]) if isinstance(m, HumanMessage)), ""
        )
        pending = pending_request(messages[:call_index])
        if pending is not None and question and self.understand(question).intent in CONTINUATIONS:
            question = f"{pending.question} {question}"  # "was it refunded?" + the email: about the refund
        focus = Focus.of(question, self.understand(question).entities.options if question else ())
        names = {c["id"]: c["name"] for c in call.tool_calls}
        replies = []
        for message in messages[call_index + 1 :]:
            if not isinstance(message, ToolMessage):
                continue
            try:
                result = json.loads(text_of(message))
            except json.JSONDecodeError:
                replies.append(text_of(message))
                continue
            if isinstance(result, dict):
                replies.append(compose(names.get(message.tool_call_id, ""), result, focus))
        return " ".join(r for r in replies if r) or "Sorry, I couldn't get an answer from the store."

    # ---- LangChain plumbing ----

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.decide(messages))])

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return self._generate(messages, stop, None, **kwargs)

    def _chunks(self, message: AIMessage) -> Iterator[ChatGenerationChunk]:
        if message.tool_calls:
            chunks = [
                {"name": c["name"], "args": json.dumps(c["args"]), "id": c["id"], "index": i}
                for i, c in enumerate(message.tool_calls)
            ]
            yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=chunks))
            return
        words = text_of(message).split(" ")
        for i, word in enumerate(words):
            yield ChatGenerationChunk(message=AIMessageChunk(content=word if i == 0 else " " + word))

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for chunk in self._chunks(self.decide(messages)):
            if run_manager is not None:
                run_manager.on_llm_new_token(chunk.text, chunk=chunk)
            yield chunk

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        for chunk in self._chunks(self.decide(messages)):
            if run_manager is not None:
                await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
            yield chunk

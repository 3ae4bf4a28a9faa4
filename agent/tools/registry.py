"""The tools as LangChain tools: exact names, pydantic argument schemas, docstrings as descriptions.

Each tool finds its dependencies in the LangGraph run: ``runtime.context`` is an ``AgentContext``
(holding the ToolContext), the thread id comes from the run's config, and the shopper's verified
identity and current product page from the graph state. Tools the store's scopes or the merchant's
switches disable are not offered to the model, and refuse if called anyway.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from langchain_core.messages import HumanMessage
from langchain_core.tools import BaseTool, StructuredTool
from langgraph.prebuilt import ToolRuntime
from langgraph.types import interrupt
from pydantic import BaseModel, Field

from bigcommerce import AuthenticationError, PermissionDeniedError

from ..context import AgentContext
from ..counters import count
from ..models.capabilities import refusal
from ..store.capabilities import TOOL_NAMES
from ..transcripts.capture import tool_scope
from . import (
    address_change,
    cancel,
    handoff,
    marketing,
    orders,
    products,
    provenance,
    store_pages,
    store_terms,
)
from .context import Conversation, ToolContext, VerifiedCustomer
from .results import UNAVAILABLE, ToolResult, result, to_text
from .untrusted import scrub_result

log = logging.getLogger(__name__)


def conversation_of(runtime: ToolRuntime[Any, Any]) -> Conversation:
    configurable = (runtime.config or {}).get("configurable", {})
    state = runtime.state if isinstance(runtime.state, Mapping) else {}
    customer = state.get("verified_customer")
    verified = None
    if isinstance(customer, Mapping) and customer.get("id") is not None and customer.get("email"):
        verified = VerifiedCustomer(int(customer["id"]), str(customer["email"]), customer.get("group_id"))
    product_id = state.get("product_id")
    messages = state.get("messages")
    said = None
    if isinstance(messages, list):
        said = (
            tuple(str(m.text) for m in messages if isinstance(m, HumanMessage)) or None
        )  # none: a bare call
    return Conversation(
        thread_id=str(configurable.get("thread_id", "default")),
        verified_customer=verified,
        product_id=int(product_id) if isinstance(product_id, int) else None,
        shopper_said=said,
    )


def _context(runtime: ToolRuntime[Any, Any]) -> ToolContext:
    context = runtime.context
    if not isinstance(context, AgentContext):
        raise TypeError("run the graph with context=AgentContext(...) so the tools can reach the store")
    return context.tools


def _messages(runtime: ToolRuntime[Any, Any]) -> list[Any]:
    state = runtime.state if isinstance(runtime.state, Mapping) else {}
    return list(state.get("messages") or [])


async def _guarded(
    name: str,
    runtime: ToolRuntime[Any, Any],
    call: Callable[[ToolContext, Conversation], Awaitable[ToolResult]],
    identifying: Mapping[str, object] | None = None,
) -> str:
    """Run a tool: refused if disabled, or (before the store is touched, and without counting against
    any attempt limit) if an identifying argument came from nowhere in the conversation."""
    ctx = _context(runtime)
    if name not in ctx.enabled():
        return to_text(result("disabled", refusal(name, ctx.enabled())))
    conversation = conversation_of(runtime)
    if identifying:
        missing = provenance.unproven(identifying, _messages(runtime), conversation.verified_customer)
        if missing:
            log.warning("%s refused: %s not given by the shopper or a tool", name, ", ".join(missing))
            count("provenance_refusals", writer=runtime.stream_writer)
            return to_text(provenance.refusal(missing))
    try:
        with tool_scope(name, runtime.tool_call_id):  # the transcript attributes requests to this call
            return to_text(scrub_result(await call(ctx, conversation)))  # see untrusted.py
    except (AuthenticationError, PermissionDeniedError) as exc:  # a scope lost or the token revoked
        log.warning("%s refused by BigCommerce (%s): re-probing the scopes", name, type(exc).__name__)
        await ctx.access_refused(exc)
        if name in ctx.enabled():  # the scopes are all there (or were probed a moment ago): no conclusion
            return to_text(result("unavailable", UNAVAILABLE))
        return to_text(result("disabled", refusal(name, ctx.enabled())))


class OrderArgs(BaseModel):
    order_id: str | None = Field(None, description="The order number, e.g. 12345 (a # is fine)")
    email: str | None = Field(None, description="The email address used at checkout")


class CodeArgs(BaseModel):
    code: str = Field(description="The code exactly as the shopper gave it")


class ProductArgs(BaseModel):
    product: str | None = Field(
        None, description="What the shopper calls the product, or 'this' for the page"
    )
    product_id: int | None = Field(None, description="The product id, when known")
    options: list[str] | None = Field(
        None, description="Option values the shopper named, as said: e.g. ['15-inch', 'i9'] or ['M', 'navy']"
    )
    max_price: float | None = Field(
        None, description="The most the shopper wants to pay, when they say so ('gift ideas under $50': 50)"
    )


class PromotionArgs(BaseModel):
    # LangChain drops every argument, the injected runtime included, of a tool whose schema has no field.
    topic: str | None = Field(None, description="Optional: the kind of offer the shopper asks about")


class QuestionArgs(BaseModel):
    question: str = Field(
        description="The shopper's question, in their words (e.g. 'can I return opened wraps?')"
    )


class DestinationArgs(BaseModel):
    destination: str | None = Field(
        None, description="Where the shopper wants it shipped (country or US state), if they said"
    )


class PaymentArgs(BaseModel):
    question: str | None = Field(None, description="The payment method asked about, if any (e.g. 'Amex')")


class ContactArgs(BaseModel):
    # LangChain drops every argument, the injected runtime included, of a tool whose schema has no field.
    topic: str | None = Field(None, description="Optional: what the shopper wants to contact the store about")


class AddressArgs(BaseModel):
    order_id: str | None = Field(None, description="The order number")
    email: str | None = Field(None, description="The email address used at checkout")
    street_1: str | None = Field(None, description="New street address, e.g. '12 Oak Street'")
    street_2: str | None = Field(None, description="Apartment, suite, unit (optional)")
    city: str | None = Field(None, description="New city")
    state: str | None = Field(None, description="New state or province")
    zip: str | None = Field(None, description="New ZIP or postal code")
    country: str | None = Field(None, description="New country (default: the order's)")


class HandoffArgs(BaseModel):
    summary: str = Field(description="What the shopper needs, in a sentence or two, for the team")
    reason: str | None = Field(None, description="Why a person is needed")


async def _get_order_information(
    runtime: ToolRuntime[Any, Any], order_id: str | None = None, email: str | None = None
) -> str:
    """Look up an order's status, items, totals and shipment tracking. Needs the order number and the
    email used at checkout (not needed for a signed-in shopper; with neither, lists their recent orders)."""
    return await _guarded(
        "get_order_information",
        runtime,
        lambda c, v: orders.get_order_information(c, v, order_id, email),
        {"order_id": order_id, "email": email},
    )


async def _cancel_order(
    runtime: ToolRuntime[Any, Any], order_id: str | None = None, email: str | None = None
) -> str:
    """Cancel an order that has not shipped. Needs the order number and checkout email; the shopper is
    asked to confirm before anything changes."""

    async def run(ctx: ToolContext, conversation: Conversation) -> ToolResult:
        proposal = await cancel.propose_cancellation(ctx, conversation, order_id, email)
        if proposal["status"] != "confirm":
            return proposal
        confirmation = proposal["confirmation"]
        # Asked again while the answer calls for it (an emailed code: a wrong one with tries left). On
        # resume LangGraph re-runs this from the start and replays the earlier answers, in order.
        for answer_index in itertools.count():
            answer = interrupt(scrub_result(confirmation))  # item names are merchant text
            outcome = await cancel.execute_cancellation(ctx, conversation, confirmation, answer, answer_index)
            if outcome["status"] != "confirm" or "confirmation" not in outcome:
                return outcome
            confirmation = outcome["confirmation"]
        raise AssertionError("unreachable")

    return await _guarded("cancel_order", runtime, run, {"order_id": order_id, "email": email})


async def _check_gift_card_balance(runtime: ToolRuntime[Any, Any], code: str) -> str:
    """Check a gift certificate's balance, status and expiry by its code."""
    return await _guarded(
        "check_gift_card_balance",
        runtime,
        lambda c, v: marketing.check_gift_card_balance(c, v, code),
        {"code": code},
    )


async def _lookup_discount_code(runtime: ToolRuntime[Any, Any], code: str) -> str:
    """Check whether a coupon or promotion code is valid, what it gives, and why not if it isn't."""
    return await _guarded(
        "lookup_discount_code",
        runtime,
        lambda c, v: marketing.lookup_discount_code(c, v, code),
        {"code": code},
    )


async def _list_active_promotions(runtime: ToolRuntime[Any, Any], topic: str | None = None) -> str:
    """List the store's promotions running now, with their codes where shoppers can use them."""
    return await _guarded(
        "list_active_promotions", runtime, lambda c, v: marketing.list_active_promotions(c, v)
    )


async def _get_product_information(
    runtime: ToolRuntime[Any, Any],
    product: str | None = None,
    product_id: int | None = None,
    options: list[str] | None = None,
    max_price: float | None = None,
) -> str:
    """Find a product and read it live: price, sale price, stock per variant, options, details, videos,
    link. Use 'this' for the product page the shopper is on. Pass the option values the shopper named
    (size, colour, capacity...) in ``options`` to get the matching variants' price and stock. With
    ``max_price`` (a budget the shopper gave) it lists what fits ``product`` at that price or less."""
    return await _guarded(
        "get_product_information",
        runtime,
        lambda c, v: products.get_product_information(c, v, product, product_id, options, max_price),
    )


async def _search_store_info(runtime: ToolRuntime[Any, Any], question: str) -> str:
    """Answer from the store's own pages (shipping & returns, refunds, exchanges, FAQ, about, contact):
    returns the page sections that answer the question, with the page's link. Quote them; say so when
    nothing is found."""
    return await _guarded(
        "search_store_info", runtime, lambda c, v: store_pages.search_store_info(c, v, question)
    )


async def _get_shipping_options(runtime: ToolRuntime[Any, Any], destination: str | None = None) -> str:
    """Where the store ships, each shipping method with its cost, delivery time as the store names it,
    and the free-shipping threshold; for one destination when given."""
    return await _guarded(
        "get_shipping_options", runtime, lambda c, v: store_terms.get_shipping_options(c, v, destination)
    )


async def _get_payment_methods(runtime: ToolRuntime[Any, Any], question: str | None = None) -> str:
    """The payment methods the store accepts (cards, PayPal, wallets, pay-in-instalments)."""
    return await _guarded(
        "get_payment_methods", runtime, lambda c, v: store_terms.get_payment_methods(c, v, question)
    )


async def _get_store_contact(runtime: ToolRuntime[Any, Any], topic: str | None = None) -> str:
    """The store's published email, phone, address and opening hours."""
    return await _guarded("get_store_contact", runtime, lambda c, v: store_terms.get_store_contact(c, v))


async def _change_shipping_address(
    runtime: ToolRuntime[Any, Any],
    order_id: str | None = None,
    email: str | None = None,
    street_1: str | None = None,
    street_2: str | None = None,
    city: str | None = None,
    state: str | None = None,
    zip: str | None = None,
    country: str | None = None,
) -> str:
    """Change the shipping address of an order that has not shipped. Needs the order number, checkout
    email and the new address; the shopper is shown the old and new address and must confirm."""
    new = {
        "street_1": street_1,
        "street_2": street_2,
        "city": city,
        "state": state,
        "zip": zip,
        "country": country,
    }

    async def run(ctx: ToolContext, conversation: Conversation) -> ToolResult:
        proposal = await address_change.propose_address_change(ctx, conversation, order_id, email, new)
        if proposal["status"] != "confirm":
            return proposal
        confirmation = proposal["address_confirmation"]
        for answer_index in itertools.count():  # asked again as cancel_order is (an emailed code)
            answer = interrupt(scrub_result(confirmation))
            outcome = await address_change.execute_address_change(
                ctx, conversation, confirmation, answer, answer_index
            )
            if outcome["status"] != "confirm" or "address_confirmation" not in outcome:
                return outcome
            confirmation = outcome["address_confirmation"]
        raise AssertionError("unreachable")

    return await _guarded("change_shipping_address", runtime, run, {"order_id": order_id, "email": email})


async def _transfer_to_human(runtime: ToolRuntime[Any, Any], summary: str, reason: str | None = None) -> str:
    """Hand the conversation to a member of the store's team, with a short summary of what is needed."""
    # The summary the team reads is the shopper's own words; the model's is kept only as its note.
    said = provenance.handoff_summary(_messages(runtime), fallback=summary)
    note = " ".join(f"model's note: {summary}".split())[:200] if summary and summary != said else reason
    return await _guarded(
        "transfer_to_human",
        runtime,
        lambda c, v: handoff.transfer_to_human(c, v, said, note or reason, _messages(runtime)),
    )


_SPECS: dict[str, tuple[Callable[..., Awaitable[str]], type[BaseModel]]] = {
    "get_order_information": (_get_order_information, OrderArgs),
    "cancel_order": (_cancel_order, OrderArgs),
    "check_gift_card_balance": (_check_gift_card_balance, CodeArgs),
    "lookup_discount_code": (_lookup_discount_code, CodeArgs),
    "list_active_promotions": (_list_active_promotions, PromotionArgs),
    "get_product_information": (_get_product_information, ProductArgs),
    "search_store_info": (_search_store_info, QuestionArgs),
    "get_shipping_options": (_get_shipping_options, DestinationArgs),
    "get_payment_methods": (_get_payment_methods, PaymentArgs),
    "get_store_contact": (_get_store_contact, ContactArgs),
    "change_shipping_address": (_change_shipping_address, AddressArgs),
    "transfer_to_human": (_transfer_to_human, HandoffArgs),
}
assert set(_SPECS) == set(TOOL_NAMES)


def build_tool(name: str) -> BaseTool:
    function, schema = _SPECS[name]
    return StructuredTool.from_function(
        coroutine=function, name=name, description=(function.__doc__ or "").strip(), args_schema=schema
    )


def build_tools(names: Iterable[str] | None = None) -> list[BaseTool]:
    """LangChain tools for ``names`` (default: all), in a stable order."""
    wanted = set(TOOL_NAMES if names is None else names)
    return [build_tool(name) for name in TOOL_NAMES if name in wanted]

"""Blocks for one reply, built from the tool results that reply was written from (its ``evidence``).

Both brains end the same way: facts (orders, products, shortlists, offers) come from the tool results,
never from reply text, so the blocks are grounded by construction.

- **Offline model**: its reply is itself composed from those results, so the blocks replace the wall of
  text with a short lead sentence per result and the result's card or list (a product answer keeps its
  composed sentences, without the raw "More: <url>" the card now links).
- **An LLM**: its words become the paragraphs; the cards and lists of the turn's tool results follow.

Every URL passes ``UrlPolicy`` here, where the block is built.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from ..tools.results import OrderDetails, ToolResult, parse_result
from .urls import UrlPolicy
from .vocabulary import (
    Action,
    ActionsBlock,
    Block,
    ListBlock,
    ListItem,
    Notice,
    OrderBlock,
    OrderLine,
    Paragraph,
    ProductBlock,
)

Brain = Literal["offline", "llm"]
TALK_TO_A_PERSON = Action(label="Talk to a person", message="I'd like to talk to a person")
MAX_CHIPS = 5
WHICH_ONE = "Which one would you like to know more about?"


def paragraphs(text: str) -> list[Block]:
    """A reply's words as paragraphs (split at blank lines)."""
    return [Paragraph(text=part.strip()) for part in re.split(r"\n\s*\n", text) if part.strip()]


def _s(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


def _order(order: OrderDetails, policy: UrlPolicy) -> list[Block]:
    shipments = [s for s in order.get("shipments") or [] if isinstance(s, dict)]
    tracked = [s for s in shipments if s.get("tracking_number")] or shipments
    first = tracked[0] if tracked else None
    items = [
        OrderLine(name=str(i.get("name") or "Item"), quantity=i.get("quantity"), options=_s(i.get("options")))
        for i in order.get("items") or []
        if isinstance(i, dict)
    ]
    blocks: list[Block] = [
        OrderBlock(
            number=int(order["order_id"]),
            status=str(order.get("status") or ""),
            carrier=_s(first.get("carrier")) if first else None,
            tracking_number=_s(first.get("tracking_number")) if first else None,
            tracking_link=policy.tracking(first.get("tracking_link")) if first else None,
            items=items,
            total=_s(order.get("total")),
        )
    ]
    more = [
        ListItem(
            text=" ".join(p for p in (_s(s.get("carrier")), _s(s.get("tracking_number"))) if p) or "Shipment",
            link=policy.tracking(s.get("tracking_link")),
        )
        for s in tracked[1:]
    ]
    if more:
        blocks.append(ListBlock(title="Other shipments", items=more))
    return blocks


def _order_lead(order: OrderDetails) -> str:
    lead = f"Order #{order['order_id']} is {order.get('status')}."
    if not order.get("shipments") and order.get("status_id") in (0, 1, 7, 8, 9, 11, 12):
        lead += " It hasn't shipped yet."
    if order.get("ship_to"):
        lead += f" Shipping to {order['ship_to'][0]}."
    return lead


def _options_summary(options: object) -> str | None:
    if not isinstance(options, dict) or not options:
        return None
    return "; ".join(f"{k}: {', '.join(str(v) for v in values)}" for k, values in options.items())


def _product(result: ToolResult, policy: UrlPolicy) -> ProductBlock:
    on_sale = bool(result.get("sale_price")) and result.get("current_price") != result.get("price")
    return ProductBlock(
        name=str(result.get("name")),
        image=policy.image(result.get("image")),
        price=_s(result.get("price")) or _s(result.get("price_note")),
        sale_price=_s(result.get("current_price")) if on_sale else None,
        stock=_s(result.get("stock")),
        options=_options_summary(result.get("options")),
        link=policy.page(result.get("url")),
    )


def _shortlist(entries: Sequence[Mapping[str, Any]], policy: UrlPolicy) -> list[Block]:
    items: list[ListItem] = []
    chips: list[Action] = []
    for entry in entries:
        name = _s(entry.get("name"))
        if name is None:
            continue
        facts = [str(entry[key]) for key in ("price", "stock") if entry.get(key)]
        items.append(ListItem(text=name, detail=", ".join(facts) or None, link=policy.page(entry.get("url"))))
        if len(chips) < MAX_CHIPS:
            chips.append(Action(label=name, message=f"Tell me about the {name}"))
    blocks: list[Block] = [ListBlock(items=items)] if items else []
    if chips:
        blocks.append(ActionsBlock(actions=chips))
    return blocks


def _offers(result: ToolResult) -> list[Block]:
    items = []
    for offer in result.get("promotions") or []:
        text = str(offer.get("name") or offer.get("gives") or "An offer")
        if offer.get("gives") and offer.get("name"):
            text += f" ({offer['gives']})"
        how = f"Use code {offer['code']}" if offer.get("code") else _s(offer.get("how"))
        detail = "; ".join(p for p in (how, f"until {offer['ends']}" if offer.get("ends") else None) if p)
        items.append(ListItem(text=text, detail=detail or None))
    return [ListBlock(items=items)] if items else []


def _recent_orders(result: ToolResult) -> list[Block]:
    items: list[ListItem] = []
    chips: list[Action] = []
    for row in result.get("orders") or []:
        if row.get("order_id") is None:
            continue
        number = row["order_id"]
        detail = ", ".join(str(p) for p in (row.get("placed_on"), row.get("total")) if p)
        items.append(ListItem(text=f"#{number}: {row.get('status')}", detail=detail or None))
        if len(chips) < MAX_CHIPS:
            chips.append(Action(label=f"Order #{number}", message=f"Tell me about order #{number}"))
    blocks: list[Block] = [ListBlock(title="Your recent orders", items=items)] if items else []
    if chips:
        blocks.append(ActionsBlock(actions=chips))
    return blocks


def structured(tool: str, result: ToolResult, policy: UrlPolicy) -> tuple[str | None, list[Block]]:
    """(the lead sentence the offline brain says before them, the blocks) of one tool result; ``(None, [])``
    when the result has nothing to lay out beyond its message."""
    status = result.get("status")
    if status == "unavailable":
        return None, [Notice(text=str(result.get("message")), tone="warning")]
    if status in ("locked", "refused") and result.get("offer_human"):
        return str(result.get("message")), [ActionsBlock(actions=[TALK_TO_A_PERSON])]
    if status == "ambiguous" and result.get("candidates"):
        return "Here is what we have:", _shortlist(result.get("candidates") or [], policy)
    if status == "not_found" and result.get("similar"):
        lead = "I couldn't find exactly that, but these come closest:"
        return lead, _shortlist(result.get("similar") or [], policy)
    if status != "ok":
        return None, []
    if tool in ("get_order_information", "cancel_order") and isinstance(result.get("order"), dict):
        return _order_lead(result["order"]), _order(result["order"], policy)
    if tool == "get_order_information" and result.get("orders"):
        return "Here are your recent orders:", _recent_orders(result)
    if tool == "get_product_information" and result.get("name"):
        return str(result.get("message")), [_product(result, policy)]
    if tool == "list_active_promotions" and result.get("promotions"):
        return "Running now:", _offers(result)
    return None, []


def _without_links(text: str, result: ToolResult) -> str:
    """The composed product reply without "More: <url>": the card links the page."""
    url = result.get("url")
    if isinstance(url, str) and url:
        text = text.replace(f"More: {url}", "")
    return re.sub(r"\s{2,}", " ", text).strip()


def blocks_of(
    text: str, evidence: Sequence[Mapping[str, object]], brain: Brain, policy: UrlPolicy
) -> list[Block]:
    """The blocks of one reply. ``evidence``: the tool messages the reply was written from, each
    ``{"name": tool, "content": its JSON}`` (a turn's ``TurnResult.evidence`` entry)."""
    laid_out: list[tuple[str | None, list[Block], ToolResult, str]] = []
    for item in evidence:
        tool = str(item.get("name") or "")
        result = parse_result(str(item.get("content", "")))
        if result is None:
            continue
        lead, blocks = structured(tool, result, policy)
        laid_out.append((lead, blocks, result, tool))
    if not any(blocks for _, blocks, _, _ in laid_out):
        return paragraphs(text)
    if brain == "llm":
        out = paragraphs(text)
        for _, blocks, _, _ in laid_out:
            out.extend(blocks)
        return out
    return _offline(text, laid_out)


def _question(result: ToolResult) -> str | None:
    """What the offline brain asks after a shortlist (the chips answer it)."""
    if result.get("candidates") or result.get("similar"):
        return WHICH_ONE
    if result.get("orders"):
        return "Which one would you like to know about?"
    return None


def _offline(text: str, laid_out: list[tuple[str | None, list[Block], ToolResult, str]]) -> list[Block]:
    out: list[Block] = []
    single = len(laid_out) == 1
    for lead, blocks, result, tool in laid_out:
        if (
            single
            and tool == "get_product_information"
            and isinstance(blocks[0] if blocks else None, ProductBlock)
        ):
            lead = _without_links(text, result) or lead  # the composed answer to the very question asked
        elif not blocks:
            lead = str(result.get("message") or "")
        if lead:
            out.append(Paragraph(text=lead))
        question = _question(result)
        if question and blocks and isinstance(blocks[-1], ActionsBlock):
            out.extend([*blocks[:-1], Paragraph(text=question), blocks[-1]])
        else:
            out.extend(blocks)
    return out or paragraphs(text)

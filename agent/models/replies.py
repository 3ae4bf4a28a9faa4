"""Replies built only from tool results: the offline model's voice, and the grounding guard's fallback.

Every number, code, date and tracking number in these replies is copied from a tool result, so they
are grounded by construction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from ..tools.results import ToolResult
from .refund_replies import refund_sentences


@dataclass(frozen=True)
class Focus:
    """What the shopper asked about, to pick the relevant facts of a result."""

    sizes: bool = False
    colours: bool = False
    price: bool = False
    stock: bool = False
    tracking: bool = False
    options: tuple[str, ...] = field(default_factory=tuple)
    words: frozenset[str] = frozenset()  # the question's words, plurals folded: "scents" -> "scent"

    @classmethod
    def of(cls, text: str, options: tuple[str, ...] = ()) -> Focus:
        lowered = text.lower()
        return cls(
            sizes=bool(re.search(r"\bsizes?\b|\bsizing\b|\bfit\b|\boz\b|\bweights?\b", lowered)),
            colours=bool(re.search(r"\bcolou?rs?\b", lowered)),
            price=bool(re.search(r"\bprice|\bcost|\bhow much\b|\bsale\b|\bcheap|\$", lowered)),
            stock=bool(re.search(r"\bstock\b|\bavailab|\bsold out\b|\bhave\b.*\bin\b", lowered)),
            tracking=bool(re.search(r"track|carrier|ship|deliver|arriv|where", lowered)),
            options=tuple(o.lower() for o in options),
            words=frozenset(_fold(w) for w in re.findall(r"[a-z]+", lowered)),
        )


AVAILABILITY_SAID = {
    "pre-order": "It is available to pre-order, not yet in stock.",
    "not purchasable": "It is not available to buy right now.",
}


def _fold(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def asked_options(result: Mapping[str, Any], focus: Focus) -> list[str]:
    """A line per option the question names ("what weights", "which scents", "resolutions")."""
    lines = []
    for option, values in (result.get("options") or {}).items():
        if _fold(str(option).lower()) in focus.words:
            lines.append(
                f"The {result['name']} come in {str(option).lower()} {_join([str(v) for v in values])}."
            )
    return lines


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def order_reply(result: ToolResult, focus: Focus) -> str:
    order = result["order"]
    lines = [f"Order #{order['order_id']} is {order['status']}."]
    shipments = order.get("shipments") or []
    waiting = [  # lines not (all) shipped yet, when something has shipped: a partial shipment
        f"{(i['quantity'] or 0) - (i.get('shipped') or 0)} x {i['name']}"
        + (f" ({i['options']})" if i.get("options") else "")
        for i in order["items"]
        if shipments and (i.get("quantity") or 0) > (i.get("shipped") or 0)
    ]
    itemised = len(shipments) > 1 or bool(waiting)  # say what each parcel holds
    for shipment in shipments:
        parts = []
        if shipment.get("carrier"):
            parts.append(f"It shipped with {shipment['carrier']}")
        else:
            parts.append("It shipped")
        if shipment.get("shipped_on"):
            parts.append(f"on {shipment['shipped_on']}")
        held = shipment.get("items") or []
        sentence = " ".join(parts) + (f": {_join(held)}." if itemised and held else ".")
        if shipment.get("tracking_number"):
            sentence += f" Tracking number: {shipment['tracking_number']}."
        if shipment.get("tracking_link"):
            sentence += f" Track it here: {shipment['tracking_link']}"
        lines.append(sentence)
    if not shipments and order.get("status_id") in (0, 1, 7, 8, 9, 11, 12):
        lines.append("It hasn't shipped yet.")
    if waiting:
        lines.append(f"Not shipped yet: {_join(waiting)}.")
    items = [
        f"{i['quantity']} x {i['name']}" + (f" ({i['options']})" if i.get("options") else "")
        for i in order["items"]
    ]
    if items and not focus.tracking:
        lines.append(f"Items: {_join(items)}.")
    lines.append(f"Total: {order['total']}.")
    lines += refund_sentences(order, focus.words)
    if order.get("ship_to"):
        lines.append(f"Shipping to {order['ship_to'][0]}.")
    return " ".join(lines)


def orders_list_reply(result: ToolResult, focus: Focus) -> str:
    orders = result.get("orders") or []
    if not orders:
        return str(result["message"])
    rows = [f"#{o['order_id']} ({o['placed_on']}): {o['status']}, {o['total']}" for o in orders]
    return "Here are your recent orders: " + "; ".join(rows) + ". Which one would you like to know about?"


def selection_lines(result: ToolResult) -> list[str]:
    """The variant-level answer: the variants matching the values asked for, with price and stock, and
    what the product offers instead of each value that matched nothing."""
    name = result["name"]
    lines: list[str] = []
    asked = [str(a) for a in result.get("asked") or []]
    selected = result.get("selected")
    if selected is not None and asked:
        said = ", ".join(asked)
        if not selected:
            lines.append(f"The {name} doesn't come in {said} together.")
        elif len(selected) == 1:
            row = selected[0]
            price = f", {row['price']}" if row.get("price") else ""
            lines.append(f"The {name} in {said}: {row['stock']}{price}.")
        else:
            prices = {row.get("price") for row in selected}
            rows = []
            for row in selected:
                rest = [v for v in row["values"] if v not in asked] or row["values"]
                text = f"{' / '.join(rest)}: {row['stock']}"
                if len(prices) > 1 and row.get("price"):
                    text += f" ({row['price']})"
                rows.append(text)
            common = f" ({next(iter(prices))})" if len(prices) == 1 and None not in prices else ""
            lines.append(f"The {name} in {said}{common}: " + "; ".join(rows) + ".")
    options = {str(k): [str(v) for v in values] for k, values in (result.get("options") or {}).items()}
    for missing in result.get("not_offered") or []:
        option, value = missing.get("option"), missing["value"]
        if option:
            offered = [str(v) for v in missing.get("offered") or []]
            lines.append(f"We don't have the {name} in {value}; {option.lower()} comes in {_join(offered)}.")
        else:
            summary = "; ".join(f"{k}: {', '.join(v)}" for k, v in options.items())
            lines.append(
                f"We don't have the {name} in {value}." + (f" It comes in {summary}." if summary else "")
            )
    return lines


def product_reply(result: ToolResult, focus: Focus) -> str:
    name = result["name"]
    if result.get("selected") is not None or result.get("not_offered"):
        chosen = asked_options(result, focus) + selection_lines(result)
        if result.get("availability") in AVAILABILITY_SAID:
            chosen.append(AVAILABILITY_SAID[str(result["availability"])])
        if result.get("url"):
            chosen.append(f"More: {result['url']}")
        return " ".join(dict.fromkeys(chosen))
    lines: list[str] = []
    raw_options = result.get("options") or {}
    options: dict[str, list[str]] = {str(k): [str(v) for v in values] for k, values in raw_options.items()}
    variants = [str(v) for v in result.get("variants") or []]
    wanted = [o for o in focus.options if o]
    if wanted:
        matching = [v for v in variants if all(o in v.lower() for o in wanted)]
        if matching:
            lines.append(f"{name}: " + "; ".join(matching) + ".")
    asked = asked_options(result, focus)
    lines += asked
    if focus.sizes or focus.colours:
        for option, values in options.items():
            lowered = option.lower()
            if (focus.sizes and ("size" in lowered or "weight" in lowered)) or (
                focus.colours and "colo" in lowered
            ):
                lines.append(f"The {name} come in {option.lower()} {_join(values)}.")
    if focus.price or not lines:
        lines.append(str(result.get("message") or f"{name}: {result.get('current_price')}."))
    if focus.stock and not wanted:
        out = [v for v in variants if "out of stock" in v]
        lines.append(
            f"Out of stock: {'; '.join(out)}." if out else f"Stock: {result.get('stock', 'unknown')}."
        )
    if not (focus.sizes or focus.colours or focus.price or focus.stock or wanted or asked):
        if options:
            lines.append("Options: " + "; ".join(f"{k}: {', '.join(v)}" for k, v in options.items()) + ".")
        for custom in (result.get("custom_fields") or [])[:3]:
            lines.append(f"{custom['name']}: {custom['value']}.")
        if videos := result.get("videos"):
            lines.append(f"Video: {videos[0]}")
    if result.get("url"):
        lines.append(f"More: {result['url']}")
    return " ".join(dict.fromkeys(lines))


def _shortlist_rows(entries: Sequence[Mapping[str, Any]]) -> str:
    rows = []
    for number, entry in enumerate(entries, start=1):
        facts = [str(entry[key]) for key in ("price", "stock") if entry.get(key)]
        row = f"{number}. {entry['name']}" + (f" ({', '.join(facts)})" if facts else "")
        rows.append(row + (f" {entry['url']}" if entry.get("url") else ""))
    return "; ".join(rows)


def candidates_reply(result: ToolResult, focus: Focus) -> str:
    rows = _shortlist_rows(result.get("candidates") or [])
    return f"Here is what we have: {rows}. Which one would you like to know more about?"


def similar_reply(result: ToolResult, focus: Focus) -> str:
    rows = _shortlist_rows(result.get("similar") or [])
    return (
        f"I couldn't find exactly that, but these come closest: {rows}. "
        "Which one would you like to know more about?"
    )


def gift_reply(result: ToolResult, focus: Focus) -> str:
    return str(result["message"])


def code_reply(result: ToolResult, focus: Focus) -> str:
    return str(result["message"])


def promotions_reply(result: ToolResult, focus: Focus) -> str:
    promotions = result.get("promotions") or []
    if not promotions:
        return str(result["message"])
    rows = []
    for promotion in promotions:
        text = str(promotion.get("name") or promotion.get("gives") or "An offer")
        if promotion.get("gives") and promotion.get("name"):
            text += f" ({promotion['gives']})"
        if promotion.get("code"):
            text += f": use code {promotion['code']}"
        elif promotion.get("how"):
            text += f": {promotion['how']}"
        if promotion.get("ends"):
            text += f", until {promotion['ends']}"
        rows.append(text)
    return "Running now: " + "; ".join(rows) + "."


COMPOSERS: dict[str, Callable[[ToolResult, Focus], str]] = {
    "check_gift_card_balance": gift_reply,
    "lookup_discount_code": code_reply,
    "list_active_promotions": promotions_reply,
}


def compose(tool: str, content: Mapping[str, Any], focus: Focus) -> str:
    """The reply for one tool result (a tool message's JSON object: our tools write a ``ToolResult``)."""
    result = cast(ToolResult, content)
    status = result.get("status")
    if status == "confirm":
        return str(result.get("message"))
    if status == "ambiguous" and result.get("candidates"):
        return candidates_reply(result, focus)
    if status == "not_found" and result.get("similar"):
        return similar_reply(result, focus)
    if status != "ok":
        return str(result.get("message") or "Sorry, I couldn't do that.")
    if tool in ("get_order_information", "cancel_order"):
        if "order" in result:
            return order_reply(result, focus)
        if "orders" in result:
            return orders_list_reply(result, focus)
        return str(result["message"])
    if tool == "get_product_information" and "name" in result:
        return product_reply(result, focus)
    composer = COMPOSERS.get(tool)
    return composer(result, focus) if composer else str(result.get("message", ""))

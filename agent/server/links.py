"""The ``links`` of an answer: tracking numbers and product pages found in this turn's tool results,
for the widget to turn into links. Built from the tools' structured results, never from reply text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..tools.results import OrderDetails, ToolResult, parse_result
from .schemas import Links, ProductLink, TrackingLink


def _web(link: object) -> str | None:
    return link if isinstance(link, str) and link.startswith(("https://", "http://")) else None


def _tracking(order: OrderDetails, out: list[TrackingLink]) -> None:
    for shipment in order.get("shipments") or []:
        if not isinstance(shipment, dict) or not shipment.get("tracking_number"):
            continue
        entry = TrackingLink(
            number=str(shipment["tracking_number"]),
            url=_web(shipment.get("tracking_link")),
            carrier=shipment.get("carrier") or None,
        )
        if entry not in out:
            out.append(entry)


def _product(result: ToolResult, out: list[ProductLink]) -> None:
    name, url = result.get("name"), _web(result.get("url"))
    if isinstance(name, str) and url is not None:
        entry = ProductLink(name=name, url=url)
        if entry not in out:
            out.append(entry)


def links_of(tool_results: Sequence[Mapping[str, object]]) -> Links:
    """``tool_results``: the turn's tool messages, ``{"name": tool, "content": its JSON}``."""
    links = Links()
    for item in tool_results:
        result = parse_result(str(item.get("content", "")))
        if result is None or result.get("status") != "ok":
            continue
        order = result.get("order")
        if item.get("name") == "get_order_information" and isinstance(order, dict):
            _tracking(order, links.tracking)
        elif item.get("name") == "get_product_information":
            _product(result, links.products)
    return links

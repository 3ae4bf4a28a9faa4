"""The ``links`` of an answer: tracking numbers and product pages found in this turn's tool results,
for the widget to turn into links. Built from the tools' structured results, never from reply text, and
each URL checked again here (``agent.tools.links``): a product link must be https on the store's own
host, a tracking link https on a known carrier's site; any other URL is left out (the tracking number
and the product's name stay)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ..tools.links import checked_link, tracking_link
from ..tools.results import OrderDetails, ToolResult, parse_result
from .schemas import Links, ProductLink, TrackingLink


def _tracking(order: OrderDetails, out: list[TrackingLink]) -> None:
    for shipment in order.get("shipments") or []:
        if not isinstance(shipment, dict) or not shipment.get("tracking_number"):
            continue
        entry = TrackingLink(
            number=str(shipment["tracking_number"]),
            url=tracking_link(shipment.get("tracking_link")),
            carrier=shipment.get("carrier") or None,
        )
        if entry not in out:
            out.append(entry)


def _product(result: ToolResult, out: list[ProductLink], hosts: frozenset[str]) -> None:
    name, url = result.get("name"), checked_link(result.get("url"), hosts)
    if isinstance(name, str) and url is not None:
        entry = ProductLink(name=name, url=url)
        if entry not in out:
            out.append(entry)


def links_of(tool_results: Sequence[Mapping[str, object]], store_hosts: Iterable[str]) -> Links:
    """``tool_results``: the turn's tool messages, ``{"name": tool, "content": its JSON}``;
    ``store_hosts``: the store's own hosts (``agent.tools.links.store_hosts``)."""
    hosts = frozenset(store_hosts)
    links = Links()
    for item in tool_results:
        result = parse_result(str(item.get("content", "")))
        if result is None or result.get("status") != "ok":
            continue
        order = result.get("order")
        if item.get("name") == "get_order_information" and isinstance(order, dict):
            _tracking(order, links.tracking)
        elif item.get("name") == "get_product_information":
            _product(result, links.products, hosts)
    return links

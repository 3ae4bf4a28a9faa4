"""The ``links`` of an answer: tracking numbers and product pages found in this turn's tool results,
for the widget to turn into links. Built from the tools' structured results, never from reply text."""

from __future__ import annotations

import json
from typing import Any


def parse_result(content: str) -> dict[str, Any] | None:
    """A tool message's JSON object, or None when it is not one."""
    try:
        value = json.loads(content)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _tracking(order: dict[str, Any], out: list[dict[str, Any]]) -> None:
    for shipment in order.get("shipments") or []:
        if not isinstance(shipment, dict) or not shipment.get("tracking_number"):
            continue
        link = shipment.get("tracking_link")
        entry = {
            "number": str(shipment["tracking_number"]),
            "url": link if isinstance(link, str) and link.startswith(("https://", "http://")) else None,
            "carrier": shipment.get("carrier") or None,
        }
        if entry not in out:
            out.append(entry)


def _product(result: dict[str, Any], out: list[dict[str, Any]]) -> None:
    name, url = result.get("name"), result.get("url")
    if isinstance(name, str) and isinstance(url, str) and url.startswith(("https://", "http://")):
        entry = {"name": name, "url": url}
        if entry not in out:
            out.append(entry)


def links_of(tool_results: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    tracking: list[dict[str, Any]] = []
    products: list[dict[str, Any]] = []
    for item in tool_results:
        result = parse_result(str(item.get("content", "")))
        if result is None or result.get("status") != "ok":
            continue
        if item.get("name") == "get_order_information" and isinstance(result.get("order"), dict):
            _tracking(result["order"], tracking)
        elif item.get("name") == "get_product_information":
            _product(result, products)
    return {"tracking": tracking, "products": products}

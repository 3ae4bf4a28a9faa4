"""Links the product builds (``agent.tools.links``): https on the store's own host, or a known carrier's
tracking site, else left out. Hostile ``custom_url`` paths and tracking links, on their own and through
the product and order tools."""

from __future__ import annotations

import pytest

from agent.server.links import links_of
from agent.tools.links import checked_link, store_hosts, store_link, tracking_link
from agent.tools.orders import get_order_information
from agent.tools.products import get_product_information
from agent.tools.results import to_text

from .conftest import ToolsEnv

STORE = "https://knockout-fitness.example"
HOSTILE_PATHS = [
    "@evil.example/x",
    ".evil.example/x",
    "//evil.example/x",
    "/\\evil.example/x",
    ":443@evil.example/x",
    "evil.example/x",
    "/x\r\nLocation: https://evil.example",
    "javascript:alert(1)",
    ":8443/x",
]


def test_store_links_stay_on_the_store() -> None:
    assert store_link(STORE, "/premium-boxing-gloves/") == f"{STORE}/premium-boxing-gloves/"
    assert store_link(STORE + "/", "/gloves/?colour=red#top") == f"{STORE}/gloves/?colour=red#top"
    for path in HOSTILE_PATHS:
        assert store_link(STORE, path) is None, path
    assert store_link("http://knockout-fitness.example", "/gloves/") is None  # https only
    assert store_link("", "/gloves/") is None


def test_checked_links() -> None:
    hosts = store_hosts(STORE, "www.knockout-fitness.example")
    assert hosts == {"knockout-fitness.example", "www.knockout-fitness.example"}
    assert checked_link("https://www.knockout-fitness.example/a", hosts)
    for url in (
        "https://evil.example/a",
        "https://knockout-fitness.example.evil.example/a",
        "https://user@knockout-fitness.example/a",
        "http://knockout-fitness.example/a",
        "https://knockout-fitness.example:8080/a",
        "https://sub.knockout-fitness.example/a",  # subdomains only where asked for
        None,
        42,
    ):
        assert checked_link(url, hosts) is None, url


def test_tracking_links_only_on_carriers() -> None:
    assert tracking_link("https://www.ups.com/track?tracknum=1Z999AA10123456784")
    assert tracking_link("https://tools.usps.com/go/TrackConfirmAction?tLabels=9400")
    for url in (
        "https://evil.example/track",
        "https://ups.com.evil.example/track",
        "https://www.ups.com@evil.example/track",
        "http://www.ups.com/track",
        "https://notups.com/track",
    ):
        assert tracking_link(url) is None, url


@pytest.mark.parametrize("path", HOSTILE_PATHS)
async def test_a_hostile_custom_url_gives_no_link(env: ToolsEnv, path: str) -> None:
    env.store.update_product(1, {"custom_url": {"url": path, "is_customized": True}})
    outcome = await get_product_information(env.ctx, env.conversation, product_id=1)
    assert outcome["status"] == "ok" and "url" not in outcome
    assert "evil.example" not in to_text(outcome)
    links = links_of([{"name": "get_product_information", "content": to_text(outcome)}], {"evil.example"})
    assert links.products == []


async def test_the_products_own_link_is_kept(env: ToolsEnv) -> None:
    outcome = await get_product_information(env.ctx, env.conversation, product_id=1)
    url = outcome.get("url")
    assert isinstance(url, str) and url.startswith(STORE + "/")
    hosts = store_hosts(env.ctx.connection.secure_url, env.ctx.connection.domain)
    links = links_of([{"name": "get_product_information", "content": to_text(outcome)}], hosts)
    assert [link.url for link in links.products] == [url]
    # a product link pointing elsewhere (a tool result edited on its way) is dropped by the API
    forged = to_text({**outcome, "url": "https://evil.example/x"})
    assert links_of([{"name": "get_product_information", "content": forged}], hosts).products == []


async def test_a_merchant_tracking_link_elsewhere_is_dropped(env: ToolsEnv) -> None:
    order = env.store.orders[12345]
    for shipment in order["shipments"]:
        shipment["tracking_link"] = "https://evil.example/track"
        shipment["generated_tracking_link"] = "https://evil.example/track2"
    outcome = await get_order_information(env.ctx, env.conversation, 12345, "jane.doe@example.com")
    assert outcome["status"] == "ok" and "evil.example" not in to_text(outcome)
    shipments = outcome["order"]["shipments"]
    assert shipments and shipments[0]["tracking_number"] and shipments[0]["tracking_link"] is None

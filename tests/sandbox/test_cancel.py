"""Cancelling an order: PUT status_id 5 changes status, date_modified, and restocks when configured."""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from sandbox.app import Sandbox
from sandbox.state import SandboxStore
from tests.sandbox.conftest import client_for


async def test_cancel_changes_status_and_date_modified(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    before = (await api.get("/v2/orders/100")).json()
    response = await api.put("/v2/orders/100", json={"status_id": 5})
    assert response.status_code == 200
    order = response.json()
    assert (order["status_id"], order["status"], order["custom_status"]) == (5, "Cancelled", "Cancelled")
    assert parsedate_to_datetime(order["date_modified"]) > parsedate_to_datetime(before["date_modified"])
    assert (await api.get("/v2/orders/100")).json()["status"] == "Cancelled"
    assert (await api.get("/v2/orders", params={"status_id": 5})).json()[0]["id"] == 100


async def test_cancel_restocks_product_and_variant_inventory(
    api: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    await api.put("/v2/orders/100", json={"status_id": 5})
    await api.put("/v2/orders/102", json={"status_id": 5})
    assert sandbox.store.products[1]["inventory_level"] == 4 + 2
    sparring = (await api.get("/v3/catalog/products/2/variants")).json()["data"]
    assert [v["inventory_level"] for v in sparring] == [0, 3 + 2]


async def test_cancelling_twice_restocks_once(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    await api.put("/v2/orders/100", json={"status_id": 5})
    await api.put("/v2/orders/100", json={"status_id": 5})
    assert sandbox.store.products[1]["inventory_level"] == 6


async def test_no_restock_when_disabled(small_data: dict[str, Any]) -> None:
    small_data["settings"]["restock_on_cancel"] = False
    sandbox = Sandbox([SandboxStore.from_data(small_data)])
    async with client_for(sandbox) as client:
        assert (await client.put("/v2/orders/100", json={"status_id": 5})).json()["status_id"] == 5
    assert sandbox.store.products[1]["inventory_level"] == 4


async def test_other_status_changes_do_not_restock(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    order = (await api.put("/v2/orders/100", json={"status_id": 9, "staff_notes": "packed"})).json()
    assert (order["status"], order["staff_notes"]) == ("Awaiting Shipment", "packed")
    assert sandbox.store.products[1]["inventory_level"] == 4

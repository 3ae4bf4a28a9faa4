"""Admin routes that change the catalog as a merchant would, and fire the webhooks BigCommerce fires.

    PATCH  /__sandbox__/stores/{hash}/products/{id}                  (in app.py; fires from here)
    POST   /__sandbox__/stores/{hash}/products                        store/product/created
    DELETE /__sandbox__/stores/{hash}/products/{id}                   store/product/deleted
    PATCH  /__sandbox__/stores/{hash}/products/{id}/variants/{vid}    store/sku/updated (+ inventory)
    PATCH  /__sandbox__/stores/{hash}/categories/{id}                 store/category/updated
    GET|PUT /__sandbox__/webhooks                                     {"retry_scale": x}, the delivery log

A product change fires ``store/product/updated``; a change of ``inventory_level`` on a product tracked
by product also fires ``store/product/inventory/updated``, and on a variant tracked by variant
``store/sku/inventory/updated`` (section 12's table)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

from .formats import SandboxError, iso8601, json_response, now_utc
from .schema import Product
from .state import SandboxStore, _max_nested_id, _variant_total

if TYPE_CHECKING:
    from .app import Sandbox


def _emit(sandbox: Sandbox, store: SandboxStore, scope: str, data: dict[str, Any]) -> None:
    sandbox.webhooks.emit(store.store_hash, str(store.info.get("store_id", "")), scope, data)


def product_changed(sandbox: Sandbox, store: SandboxStore, product_id: int, changes: dict[str, Any]) -> None:
    """Fire the events of a merchant's change to a product's fields."""
    product = store.products[product_id]
    _emit(sandbox, store, "store/product/updated", {"type": "product", "id": product_id})
    if "inventory_level" in changes and product.get("inventory_tracking") == "product":
        inventory = {"product_id": product_id, "method": "absolute", "value": product["inventory_level"]}
        _emit(
            sandbox,
            store,
            "store/product/inventory/updated",
            {"type": "product", "id": product_id, "inventory": inventory},
        )


async def _object(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise SandboxError(400, "The request body is not valid JSON.") from None
    if not isinstance(body, dict) or not body:
        raise SandboxError(422, "Send a JSON object of the fields to change.")
    return body


def add_change_routes(api: FastAPI, sandbox: Sandbox) -> None:
    def _store(store_hash: str) -> SandboxStore:
        store = sandbox.stores.get(store_hash)
        if store is None:
            raise SandboxError(404, f"No store with hash {store_hash!r} in this sandbox.")
        return store

    @api.post("/__sandbox__/stores/{store_hash}/products")
    async def create_product(request: Request, store_hash: str) -> Response:
        store = _store(store_hash)
        body = await _object(request)
        with store.lock:
            body.setdefault("id", max(store.products, default=0) + 1)
            if body["id"] in store.products:
                raise SandboxError(409, f"Product {body['id']} exists already.")
            try:
                product = Product.model_validate(body).model_dump(mode="python")
            except ValueError as exc:
                raise SandboxError(422, f"Not a valid product: {exc}") from None
            products = list(store.products.values())
            counters = {
                key: [_max_nested_id(products, key)]
                for key in ("variants", "images", "custom_fields", "videos")
            }
            store._fill_product(product, counters)
            product["date_created"] = product["date_modified"] = iso8601(now_utc())
            store.products[product["id"]] = product
        _emit(sandbox, store, "store/product/created", {"type": "product", "id": product["id"]})
        return json_response(product, 201)

    @api.delete("/__sandbox__/stores/{store_hash}/products/{product_id:int}")
    async def delete_product(store_hash: str, product_id: int) -> Response:
        store = _store(store_hash)
        if product_id not in store.products:
            raise SandboxError(404, f"No product {product_id} in store {store_hash!r}.")
        store.delete_product(product_id)
        _emit(sandbox, store, "store/product/deleted", {"type": "product", "id": product_id})
        return Response(status_code=204)

    @api.patch("/__sandbox__/stores/{store_hash}/products/{product_id:int}/variants/{variant_id:int}")
    async def patch_variant(request: Request, store_hash: str, product_id: int, variant_id: int) -> Response:
        store = _store(store_hash)
        body = await _object(request)
        with store.lock:
            product = store.products.get(product_id)
            variant = next((v for v in (product or {}).get("variants", []) if v["id"] == variant_id), None)
            if product is None or variant is None:
                raise SandboxError(404, f"No variant {variant_id} of product {product_id}.")
            variant.update(body)
            if product["inventory_tracking"] == "variant":
                product["inventory_level"] = _variant_total(product)
            product["date_modified"] = iso8601(now_utc())
        sku = {"product_id": product_id, "variant_id": variant_id}
        sku_id = variant.get("sku_id") or variant_id
        _emit(sandbox, store, "store/sku/updated", {"type": "sku", "id": sku_id, "sku": sku})
        if "inventory_level" in body and product["inventory_tracking"] == "variant":
            inventory = {**sku, "method": "absolute", "value": variant["inventory_level"]}
            _emit(
                sandbox,
                store,
                "store/sku/inventory/updated",
                {"type": "sku", "id": sku_id, "inventory": inventory},
            )
        return json_response(variant)

    @api.patch("/__sandbox__/stores/{store_hash}/categories/{category_id:int}")
    async def patch_category(request: Request, store_hash: str, category_id: int) -> Response:
        store = _store(store_hash)
        body = await _object(request)
        with store.lock:
            category = store.categories.get(category_id)
            if category is None:
                raise SandboxError(404, f"No category {category_id} in store {store_hash!r}.")
            category.update(body)
        _emit(sandbox, store, "store/category/updated", {"type": "category", "id": category_id})
        return json_response(category)

    @api.get("/__sandbox__/webhooks")
    async def get_webhooks() -> Response:
        return json_response(_webhook_state(sandbox))

    @api.put("/__sandbox__/webhooks")
    async def put_webhooks(request: Request) -> Response:
        body = await _object(request)
        scale = body.get("retry_scale")
        if isinstance(scale, bool) or not isinstance(scale, int | float) or scale < 0:
            raise SandboxError(422, 'Send {"retry_scale": x} with x >= 0 (1 is BigCommerce\'s schedule).')
        sandbox.webhooks.retry_scale = float(scale)
        return json_response(_webhook_state(sandbox))


def _webhook_state(sandbox: Sandbox) -> dict[str, Any]:
    dispatcher = sandbox.webhooks
    return {
        "retry_scale": dispatcher.retry_scale,
        "in_flight": dispatcher.in_flight,
        "hooks": [{**h.render(), "headers": sorted(h.headers)} for h in dispatcher.hooks.values()],
        "deliveries": [d.render() for d in dispatcher.deliveries[-1000:]],
    }

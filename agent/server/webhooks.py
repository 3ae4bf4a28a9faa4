"""``POST /webhooks/bigcommerce``: where a store's hooks deliver. The route only adapts HTTP to
:meth:`agent.store.freshness.WebhookReceiver.accept` (secret, producer, duplicates, queueing), which
answers at once; the products are re-synced by the follower in the background.

Mount it with ``app.include_router(webhook_router(service.receiver))``."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse

from ..store.freshness import WebhookReceiver

WEBHOOK_PATH = "/webhooks/bigcommerce"
MAX_BODY = 64 * 1024  # BigCommerce's payloads are light: {scope, store_id, data, hash, created_at, producer}


def webhook_router(receiver: WebhookReceiver, path: str = WEBHOOK_PATH) -> APIRouter:
    router = APIRouter()

    @router.post(path, include_in_schema=False)
    async def bigcommerce_webhook(request: Request) -> JSONResponse:
        body = await request.body()
        if len(body) > MAX_BODY:
            return JSONResponse({"error": "The webhook body is too large."}, status_code=413)
        verdict = await receiver.accept(request.headers, body)
        key = "status" if verdict.status < 400 else "error"
        return JSONResponse({key: verdict.message}, status_code=verdict.status)

    return router

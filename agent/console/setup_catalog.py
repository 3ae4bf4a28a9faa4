"""The set-up page's catalog answers: "why is this product missing?" (what `bcagent ingest explain`
answers, ``agent.store.catalog.run_explain``) and the store's webhooks (what `bcagent webhooks list`
reads, ``agent.store.hooks.list_hooks``, with the last delivery the freshness log recorded, as
`bcagent status` shows it)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from bigcommerce import BigCommerceError

from ..persistence.errors import DatabaseUnavailable
from ..persistence.freshness import read_summary
from ..settings import Settings
from ..store.connections import Connection, ConnectionProblem, ConnectionStore
from ..store.hook_scopes import HOOK_SCOPES

log = logging.getLogger(__name__)
MAX_REFERENCE = 200  # a product id, SKU or name; longer is no product reference


async def explain_missing(settings: Settings, store_hash: str, reference: str) -> dict[str, Any]:
    """The answer to "why is this product missing?" for the page: ``{"asked", "answer", "found"}``."""
    reference = reference.strip()
    if not reference or len(reference) > MAX_REFERENCE:
        return {"asked": reference[:MAX_REFERENCE], "found": False,
                "answer": f"Give a product id, SKU or name (up to {MAX_REFERENCE} characters)."}  # fmt: skip
    from ..store.catalog import run_explain  # the catalog's stack: only when asked

    try:
        explanation = await run_explain(settings, store_hash, reference)
    except ConnectionProblem as problem:
        return {"asked": reference, "found": False, "answer": str(problem)}
    except BigCommerceError as exc:
        return {
            "asked": reference,
            "found": False,
            "answer": f"BigCommerce did not answer ({exc}); try again.",
        }
    return {"asked": reference, "found": explanation.product is not None, "answer": explanation.message}


def _stamp(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


async def webhooks_state(settings: Settings, connection: Connection) -> dict[str, Any]:
    """Ours registered or not (asked of the store), each hook's scope and state, and the last delivery."""
    from ..store.hooks import list_hooks

    connections = ConnectionStore(settings.home)
    store_hash = connection.store_hash
    state: dict[str, Any] = {"hooks": [], "problem": "", "expected": len(HOOK_SCOPES), "last": None}
    try:
        saved, found = await list_hooks(connections, store_hash)
        state["hooks"] = [
            {
                "id": hook.id,
                "scope": hook.scope,
                "active": bool(hook.is_active),
                "destination": hook.destination,
            }
            for hook in found
            if hook.id in saved.webhook_ids
        ]
    except ConnectionProblem as problem:
        state["problem"] = f"Could not ask the store which webhooks are registered: {problem}"
    try:
        summary = await read_summary(settings, store_hash, connections.folder(store_hash))
    except DatabaseUnavailable as exc:
        log.warning("freshness log of %s unavailable: %s", store_hash, exc)
        summary = None
    received = summary.last.get("received") if summary else None
    if received is not None:
        state["last"] = {"at": _stamp(received.at), "scope": received.scope or ""}
    if summary is not None and summary.mirrored:
        state["mirror"] = {"products": summary.mirrored, "newest": _stamp(summary.mirror_newest or 0.0)}
    return state

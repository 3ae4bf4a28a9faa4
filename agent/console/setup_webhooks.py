"""The set-up page's **Register** / **Remove** webhook buttons: what `bcagent webhooks register` and
`remove` do (``agent.store.hooks``), sent from a console form (CSRF). Registered hooks deliver to this
server's public URL (``BCAGENT_PUBLIC_URL``, else the address the page was asked at) unless the form names
another; this process accepts them at once (its receiver reads the new secret), other replicas after
their restart, as with the command."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..store.connections import ConnectionProblem, ConnectionStore
from ..store.hook_scopes import HOOK_SCOPES
from .access import Refusal, _form, _signed_in
from .context import ConsoleContext

log = logging.getLogger(__name__)
router = APIRouter(prefix="/admin", include_in_schema=False)
RECEIVER_PATH = "/webhooks/bigcommerce"


def default_webhook_url(console: ConsoleContext, request: Request) -> str:
    """Where the hooks deliver unless the form says otherwise: this server's webhook receiver."""
    public = console.config.public_url or str(request.base_url).rstrip("/")
    return public + RECEIVER_PATH


def _accept_now(request: Request, store_hash: str) -> bool:
    """Tell this server's receiver the store's secret changed; whether it now accepts the store's hooks."""
    freshness = getattr(request.app.state, "freshness", None)
    return bool(freshness is not None and freshness.reload_webhook_secret(store_hash))


@router.post("/stores/{store_hash}/webhooks")
async def webhooks(request: Request, store_hash: str) -> Response:
    try:
        console, session, _ = await _signed_in(request, store_hash)
        form = await _form(request, session)
    except Refusal as refusal:
        return refusal.response
    connections = ConnectionStore(console.settings.home)
    from ..store import hooks

    try:
        if form.get("action") == "remove":
            removed = await hooks.remove(connections, store_hash)
            _accept_now(request, store_hash)
            notice = f"Webhooks removed ({removed}); the catalog is kept fresh by the scheduled sync only."
        else:
            url = (form.get("url") or "").strip() or default_webhook_url(console, request)
            registration = await hooks.register(connections, store_hash, url)
            accepted = _accept_now(request, store_hash)
            notice = (
                f"Registered {len(registration.hooks)} webhooks ({', '.join(HOOK_SCOPES)}) delivering to {url}"
                + (f", replacing {registration.removed} made before" if registration.removed else "")
                + (
                    "; this server accepts them now (restart other replicas of bcagent serve)."
                    if accepted
                    else "; restart bcagent serve so it accepts them."
                )
            )
    except ConnectionProblem as problem:
        notice = f"Not done: {problem}"
    log.info("console: %s %s webhooks of %s", session.email, form.get("action") or "register", store_hash)
    return RedirectResponse(f"/admin/stores/{store_hash}?notice={quote(notice[:300])}", status_code=303)

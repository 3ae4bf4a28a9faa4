"""``/healthz`` (the process answers) and ``/readyz`` (every served store is reachable with a cheap
read its token may make, ``GET /v2/time`` or another scope's probe, and its product index is loaded),
with the scope problems that turn tools off."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import time

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from bigcommerce import BigCommerceError, NotFoundError

from ..store.capabilities import scope_problems
from ..store.connect import READ_PROBES
from ..store.scope_loss import lost_words
from .deps import Server
from .schemas import StoreReadiness
from .state import ServedStore, ServerState

router = APIRouter(tags=["health"])
CACHE_SECONDS = 5.0  # a load balancer polling every second costs the store one request per 5 s
TIMEOUT_SECONDS = 5.0


def probe(scopes: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The cheapest read the token may make: ``GET /v2/time`` with the Information scope, else the
    read `connect` probes a scope the token has with (readiness never needs the Information scope)."""
    if scopes.get("information", "none") != "none":
        return "/v2/time", {}
    for family, request in READ_PROBES.items():
        if scopes.get(family, "none") != "none":
            return request
    return "/v2/time", {}


async def _reach(store: ServedStore) -> None:
    tools = store.agent.context.tools
    path, params = probe(store.connection.scopes)
    with contextlib.suppress(NotFoundError):  # an id that does not exist still proves the store answers
        await tools.client.request("GET", path, params=params)


async def _check(store: ServedStore) -> StoreReadiness:
    tools = store.agent.context.tools
    reachable, problem = True, None
    try:
        await asyncio.wait_for(_reach(store), TIMEOUT_SECONDS)
    except (BigCommerceError, TimeoutError) as exc:
        reachable, problem = False, str(exc) or "timed out"
    needs_index = store.connection.scopes.get("products", "none") != "none"
    if not needs_index:
        index = "not_needed"
    elif tools.index is None:
        index = "missing"
    else:
        index = "loaded" if await asyncio.to_thread(tools.index.count) > 0 else "empty"
    revoked = store.lost is not None and store.lost.token_revoked
    ready = reachable and index in ("loaded", "not_needed") and not revoked
    answer: StoreReadiness = {
        "ready": ready,
        "reachable": reachable,
        "index": index,
        "problems": scope_problems(store.connection.scopes),
    }
    if store.lost is not None:
        answer["degraded"] = lost_words(store.lost)
    if problem:
        answer["error"] = problem
    if index == "empty":
        answer["problems"].append("The product index is empty: run `bcagent ingest` for this store.")
    return answer


async def readiness(server: ServerState, store: ServedStore) -> StoreReadiness:
    cached = server.readiness.get(store.store_hash)
    if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    answer = await _check(store)
    server.readiness[store.store_hash] = (time.monotonic(), answer)
    return answer


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


def limits_state(server: ServerState) -> str:
    """``in_process``, ``redis``, or ``redis_unreachable`` (serving on, with per-replica limits)."""
    health = getattr(server.limiter, "health", None)
    if health is None:
        return "in_process"
    return "redis" if health.since is None else "redis_unreachable"


def is_admin(request: Request, server: ServerState) -> bool:
    """Whether the request carries ``Authorization: Bearer <BCAGENT_ADMIN_TOKEN>`` (never, unset)."""
    token = server.settings.serve.admin_token
    given = request.headers.get("authorization", "")
    if not token or not given.lower().startswith("bearer "):
        return False
    return hmac.compare_digest(given[len("bearer ") :].strip().encode(), token.encode())


@router.get("/readyz", summary="Every served store is reachable and its index loaded")
async def readyz(request: Request, server: Server) -> JSONResponse:
    """Anyone sees the status and how many stores are ready; the stores' hashes and problems only with
    the admin token (``Authorization: Bearer $BCAGENT_ADMIN_TOKEN``)."""
    await server.follow()
    stores = list(server.stores.values())
    answers = await asyncio.gather(*(readiness(server, s) for s in stores))
    by_store = {s.store_hash: a for s, a in zip(stores, answers, strict=True)}
    ready = bool(by_store) and all(a["ready"] for a in answers)
    degraded = ready and any("degraded" in a for a in answers)  # serving, with tools off since connecting
    body: dict[str, object] = {
        "status": "degraded" if degraded else "ready" if ready else "not_ready",
        "stores_ready": sum(1 for a in answers if a["ready"]),
        "stores_total": len(answers),
        "limits": limits_state(server),
    }
    if is_admin(request, server):
        body["stores"] = by_store
    return JSONResponse(body, status_code=200 if ready else 503)

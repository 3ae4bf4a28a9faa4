"""Scopes lost after connecting: a 401 or 403 from BigCommerce on a tool re-probes the token's scopes
(at most once a minute per store), switches off exactly the tools whose scope is gone, and records it in
the store's settings (so `bcagent status`, `/readyz` and every replica see it). A 401 on the probe
means the token was revoked: every scope is recorded lost, with the "Invalid access token" advice.

The shopper then gets the honest refusal for the tool, never "the store cannot be reached".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from bigcommerce import AsyncBigCommerce, AuthenticationError, BigCommerceError, PermissionDeniedError

from ..persistence.errors import DatabaseUnavailable
from ..settings import Settings
from .capabilities import FAMILIES, FAMILY_LABELS
from .connect import probe_scopes
from .connections import Connection
from .live import change
from .merchant_settings import LostScopes

log = logging.getLogger(__name__)
_RANK = {"none": 0, "read": 1, "modify": 2}
PROBE_EVERY_SECONDS = 60.0
REVOKED_ADVICE = (
    "Invalid access token: BigCommerce refuses the store's token (401), so every tool is off. The API "
    "account was probably deleted or its token revoked: create a store-level API account under Settings > "
    "API > API Accounts and run `bcagent connect` with its token."
)


def lost_words(lost: LostScopes) -> str:
    """One sentence for the merchant (status, readyz, console) about what was lost and what to do."""
    if lost.token_revoked:
        return REVOKED_ADVICE
    names = ", ".join(FAMILY_LABELS.get(f, f) for f in lost.scopes)
    return (
        f"Access forbidden: since connecting, the token lost the {names} scope(s) (detected "
        f"{lost.detected_at or 'recently'}), so the tools that need them are off. Add the scopes back to the "
        "API account (Settings > API > API Accounts) and run `bcagent connect` again."
    )


@dataclass
class ScopeGuard:
    """Re-probes one store's scopes after BigCommerce refused a tool's request."""

    connection: Connection  # the connection as the files hold it (what was probed at connect)
    settings: Settings | None = None  # None: keep the finding in memory only (evals, tests)
    clock: Callable[[], float] = time.monotonic
    every: float = PROBE_EVERY_SECONDS
    _last: float = field(default=float("-inf"))
    _revoked: bool = False

    async def refused(self, client: AsyncBigCommerce, *, unauthorized: bool = False) -> LostScopes | None:
        """What was lost (None: nothing new, or probed less than a minute ago). ``unauthorized``: the
        refusal was a 401, itself the verdict (the token is revoked), so nothing is probed."""
        had = self.connection.scopes
        if unauthorized and not self._revoked:
            self._revoked = True
            return await self._record(_revoked(had))
        if self._revoked or self.clock() - self._last < self.every:
            return None
        self._last = self.clock()
        try:
            now = await probe_scopes(client, information=await _information(client))
            lost = LostScopes(
                scopes={f: now[f] for f in FAMILIES if _RANK[now[f]] < _RANK[had.get(f, "none")]},
                detected_at=datetime.now(UTC).isoformat(timespec="seconds"),
            )
        except AuthenticationError:
            self._revoked = True
            lost = _revoked(had)
        except BigCommerceError as exc:  # the store is failing: nothing can be concluded now
            log.warning("store %s: could not re-probe the scopes: %s", self.connection.store_hash, exc)
            return None
        if not lost.scopes:
            return None
        return await self._record(lost)

    async def _record(self, lost: LostScopes) -> LostScopes:
        log.warning("store %s: %s", self.connection.store_hash, lost_words(lost))
        if self.settings is not None:
            try:
                await change(self.settings, self.connection, lambda s: replace(s, lost=lost))
            except DatabaseUnavailable as exc:
                log.error("store %s: could not record the lost scopes: %s", self.connection.store_hash, exc)
        return lost


def _revoked(had: dict[str, str]) -> LostScopes:
    return LostScopes(
        scopes={f: "none" for f in FAMILIES if had.get(f, "none") != "none"},
        detected_at=datetime.now(UTC).isoformat(timespec="seconds"),
        token_revoked=True,
    )


async def _information(client: AsyncBigCommerce) -> bool:
    try:
        await client.store.time()
    except PermissionDeniedError:
        return False
    return True

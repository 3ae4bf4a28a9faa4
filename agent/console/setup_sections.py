"""What the set-up page shows beyond ``pages.setup``'s own sections, gathered in one call: the policy
form's values and the server-wide settings (``setup_forms``), the store's webhooks and, when asked
(``?explain=<product>``), why a product is or is not in the index (``setup_catalog``)."""

from __future__ import annotations

from typing import Any

from ..store.connections import Connection
from .context import ConsoleContext
from .setup_catalog import explain_missing, webhooks_state
from .setup_forms import policy_section


async def setup_sections(
    console: ConsoleContext, connection: Connection, explain: str | None
) -> dict[str, Any]:
    sections = {
        **await policy_section(console.settings, connection),
        "webhooks": await webhooks_state(console.settings, connection),
        "explained": None,
    }
    if explain is not None:
        sections["explained"] = await explain_missing(console.settings, connection.store_hash, explain)
    return sections

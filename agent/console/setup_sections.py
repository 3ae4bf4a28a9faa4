"""What the set-up page shows beyond ``pages.setup``'s own sections, gathered in one call: the policy
form's values and the server-wide settings (``setup_forms``)."""

from __future__ import annotations

from typing import Any

from ..store.connections import Connection
from .context import ConsoleContext
from .setup_forms import policy_section


async def setup_sections(console: ConsoleContext, connection: Connection) -> dict[str, Any]:
    return {**await policy_section(console.settings, connection)}

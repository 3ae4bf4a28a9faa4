"""Installing and removing the storefront widget through BigCommerce's Scripts API.

Facts (docs/bigcommerce-api.md, "Scripts"): ``POST /v3/content/scripts`` with ``kind`` ``script_tag`` and
``html`` holding exactly one script tag (``load_method`` must then be ``default``; the tag itself says
``async``), ``location`` footer, ``visibility`` storefront, ``consent_category`` functional (a script of
category ``unknown`` is hidden on stores with cookie consent), ``auto_uninstall`` true so BigCommerce removes
it when the app is uninstalled; ``GET /v3/content/scripts`` lists them, ``DELETE .../{uuid}`` removes one.
The Content (modify) scope is needed to write.
"""

from __future__ import annotations

from html import escape
from typing import Any

from bigcommerce import AsyncBigCommerce

SCRIPT_NAME = "bcagent chat widget"


def widget_tag(public_url: str, store_hash: str) -> str:
    """The tag a store pastes (or the app installs): the widget script of this server for this store."""
    return f'<script src="{escape(public_url)}/widget.js" data-store="{escape(store_hash)}" async></script>'


async def installed_scripts(client: AsyncBigCommerce) -> list[dict[str, Any]]:
    """The widget scripts this product installed on the store (by name)."""
    answer = await client.request("GET", "/v3/content/scripts", params={"limit": "250"})
    data = answer.json().get("data") or []
    return [s for s in data if isinstance(s, dict) and s.get("name") == SCRIPT_NAME]


async def install_widget(client: AsyncBigCommerce, public_url: str, store_hash: str) -> str:
    """Install the widget's script once (an installed one is kept); its uuid."""
    existing = await installed_scripts(client)
    if existing:
        return str(existing[0]["uuid"])
    answer = await client.request(
        "POST",
        "/v3/content/scripts",
        json={
            "name": SCRIPT_NAME,
            "description": "The store's AI support assistant (bcagent).",
            "html": widget_tag(public_url, store_hash),
            "kind": "script_tag",
            "load_method": "default",
            "location": "footer",
            "visibility": "storefront",
            "consent_category": "functional",
            "auto_uninstall": True,
            "enabled": True,
        },
    )
    return str(answer.json()["data"]["uuid"])


async def remove_widget(client: AsyncBigCommerce) -> int:
    """Remove every widget script this product installed; how many."""
    scripts = await installed_scripts(client)
    for script in scripts:
        await client.request("DELETE", f"/v3/content/scripts/{script['uuid']}")
    return len(scripts)

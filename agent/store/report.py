"""Plain-text reports about a connected store: details, scopes, tools and features."""

from __future__ import annotations

import json
from pathlib import Path

from bigcommerce.money import format_money

from .capabilities import FAMILIES, FAMILY_LABELS, evaluate, scope_problems
from .connections import Connection


def last_sync(folder: Path) -> str:
    """When the catalog was last synced, from the ingest job's state file, or "never"."""
    try:
        state = json.loads((folder / "sync_state.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return "never"
    return str(state.get("last_success") or "never")


def render_connection(connection: Connection, sync: str | None = None) -> str:
    money = connection.money
    lines = [
        f"Store:       {connection.name} ({connection.store_hash})",
        f"Storefront:  {connection.secure_url or 'unknown (needs the Information scope)'}",
        f"Currency:    {money.currency}, shown as {format_money(1234.5, money)}"
        if connection.scopes.get("information", "none") != "none"
        else "Currency:    unknown (needs the Information scope; USD assumed)",
        f"API:         {connection.api_url}",
    ]
    if sync is not None:
        lines.append(f"Last catalog sync: {sync}")
    lines.append("Scopes:")
    for family in FAMILIES:
        level = connection.scopes.get(family, "none")
        shown = {"modify": "modify", "read": "read-only", "none": "missing"}[level]
        lines.append(f"  {FAMILY_LABELS[family]:<24}{shown}")
    capabilities = evaluate(connection.scopes, connection.disabled_tools)
    for title, tools in (("Tools:", True), ("Features:", False)):
        lines.append(title)
        for capability in capabilities:
            if capability.requirement.is_tool == tools:
                mark = "on " if capability.enabled else "off"
                lines.append(f"  [{mark}] {capability.requirement.name:<27}{capability.reason}")
    problems = scope_problems(connection.scopes)
    if problems:
        lines.append("Problems:")
        lines.extend(f"  {problem}" for problem in problems)
    return "\n".join(lines)

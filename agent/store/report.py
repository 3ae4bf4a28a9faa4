"""Plain-text reports about a connected store: details, scopes, tools and features, catalog freshness."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

from bigcommerce.money import format_money

from ..persistence.freshness import FreshnessSummary
from .capabilities import FAMILIES, FAMILY_LABELS, evaluate, scope_notes, scope_problems
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
    lines.append("Notes:")
    lines.extend(f"  {note}" for note in scope_notes(connection.scopes))
    return "\n".join(lines)


def _ago(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def _stamp(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds")


def render_freshness(
    folder: Path, connection: Connection, summary: FreshnessSummary | None, now: float | None = None
) -> str:
    """The catalog's freshness: last sync, last webhook, the index's age, webhook counts, the hooks.
    ``summary``: the store's freshness log (``agent.persistence.freshness.read_summary``), None when
    nothing was recorded."""
    now = time.time() if now is None else now
    lines = ["Catalog freshness:"]
    sync = last_sync(folder)
    sync_at = datetime.fromisoformat(sync).timestamp() if sync != "never" else None
    lines.append(f"  Last sync:     {sync}" + (f" ({_ago(now - sync_at)} ago)" if sync_at else ""))
    received = summary.last.get("received") if summary else None
    applied = summary.last.get("applied") if summary else None
    if received is not None:
        lines.append(
            f"  Last webhook:  {_stamp(received.at)} ({received.scope}, {_ago(now - received.at)} ago)"
        )
    else:
        lines.append("  Last webhook:  none received")
    fresh_at = max([t for t in (sync_at, applied.at if applied else None) if t is not None], default=None)
    if fresh_at is None:
        lines.append("  Index age:     no index yet (run `bcagent ingest`)")
    else:
        source = "a webhook" if applied and applied.at == fresh_at else "a sync"
        lines.append(f"  Index age:     {_ago(now - fresh_at)} (last brought up to date by {source})")
    if summary is not None:
        counts = summary.counts
        kinds = ("received", "duplicate", "rejected", "applied", "failed")
        lines.append("  Webhooks:      " + ", ".join(f"{kind} {counts.get(kind, 0)}" for kind in kinds))
        if summary.pending:
            since = _ago(now - (summary.oldest_pending or now))
            lines.append(
                f"  Pending:       {summary.pending} changes not yet in the index (oldest {since} ago)"
            )
        syncs = ", ".join(
            f"{k.split('_')[-1]} {counts.get(k, 0)}" for k in ("sync", "sync_skipped", "sync_failed")
        )
        lines.append(f"  Syncs:         {syncs.replace('sync ', 'ran ', 1)} (scheduled and `bcagent ingest`)")
        if summary.mirrored:
            newest = summary.mirror_newest or now
            lines.append(
                f"  Mirror:        {summary.mirrored} products (newest copy {_ago(now - newest)} old); the "
                "product tool reads it while the hooks are registered and a webhook or sync is recent"
            )
        failed = summary.last.get("sync_failed")
        if failed is not None:
            lines.append(f"  Last failed sync: {_stamp(failed.at)}: {failed.detail}")
    if connection.webhook_ids:
        lines.append(
            f"  Hooks:         {len(connection.webhook_ids)} registered, delivering to {connection.webhook_url}"
        )
    else:
        lines.append(
            "  Hooks:         none (`bcagent webhooks register --url https://<host>/webhooks/bigcommerce`)"
        )
    return "\n".join(lines)

"""Disconnect deletes everything of the store in the shared database (issue 22): its records, audit
log, handoffs and threads, and LangGraph's checkpoints of its threads, listed first; another store's
rows and the settings tombstone stay."""

from __future__ import annotations

from pathlib import Path

import psycopg

from agent.persistence.checkpoints import open_checkpointer
from agent.persistence.purge import footprint, purge
from agent.persistence.records import ConversationState, open_records
from agent.persistence.threads import open_threads
from agent.settings import Settings
from agent.store.live import record_disconnected
from tests.pgschema import fresh_database


async def _fill(settings: Settings, store_hash: str, folder: Path) -> str:
    records = await open_records(settings, store_hash, folder)
    threads = await open_threads(settings, store_hash, folder)
    try:
        thread_id, _ = await threads.create()
        await records.save(thread_id, ConversationState())
        await records.audit(store_hash, thread_id, "cancel_order", "cancelled", 12346)
        await records.add_handoff(store_hash, thread_id, "wants a person", None)
    finally:
        await records.aclose()
        await threads.aclose()
    return thread_id


def _checkpoints(url: str, thread_id: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM checkpoints WHERE thread_id = %s", (thread_id,)).fetchone()
    return int(row[0]) if row else 0


async def test_purge_lists_then_deletes_only_the_store_rows(tmp_path: Path) -> None:
    with fresh_database("bcagent_purge") as url:
        settings = Settings(home=tmp_path, database_url=url)
        gone = await _fill(settings, "gone", tmp_path / "gone")
        kept = await _fill(settings, "kept", tmp_path / "kept")
        async with open_checkpointer(settings, tmp_path / "gone"):
            pass  # LangGraph's tables exist
        with psycopg.connect(url) as conn:
            for thread_id in (gone, kept):
                conn.execute(
                    "INSERT INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, checkpoint, metadata) "
                    "VALUES (%s, '', 'c1', '{}', '{}')",
                    (thread_id,),
                )
        await record_disconnected(settings, "gone")
        listed = "\n".join(await footprint(settings, "gone", tmp_path / "gone"))
        for table in ("agent_audit_log: 1 rows", "agent_handoffs: 1 rows", "serve_threads: 1 rows"):
            assert table in listed
        assert "checkpoints of 1 conversation" in listed and "bcagent_store_settings" not in listed
        assert await purge(settings, "gone", tmp_path / "gone") >= 5
        assert await footprint(settings, "gone", tmp_path / "gone") == []
        assert _checkpoints(url, gone) == 0 and _checkpoints(url, kept) == 1
        remaining = "\n".join(await footprint(settings, "kept", tmp_path / "kept"))
        assert "agent_audit_log: 1 rows" in remaining and "serve_threads: 1 rows" in remaining
        with psycopg.connect(url) as conn:
            row = conn.execute(
                "SELECT state FROM bcagent_store_settings WHERE store_hash = 'gone'"
            ).fetchone()
        assert row is not None and row[0] == "disconnected"  # the tombstone the replicas read

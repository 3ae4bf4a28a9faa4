"""What the persistence layer holds of one store, and deleting all of it (``bcagent disconnect``).

On SQLite everything of a store is a file under its folder (records, audit log, handoffs, transcripts,
threads, checkpoints, sync state), deleted with the folder; :func:`footprint` lists them first. On
PostgreSQL the rows carry the store hash: every table of the schema with a ``store_hash`` column is
emptied of the store's rows (the settings tombstone excepted, which tells the replicas), and LangGraph's
checkpoint tables, keyed by thread only, lose the threads those rows name. Found from the schema, so a
repository added later is purged without a change here.
"""

from __future__ import annotations

from pathlib import Path

from ..settings import Settings
from .connect import open_database, uses_postgres
from .database import Database, Transaction

KEEP = frozenset({"bcagent_store_settings"})  # the tombstone every replica reads
CHECKPOINT_TABLES = ("checkpoint_writes", "checkpoint_blobs", "checkpoints")


async def _store_tables(tx: Transaction) -> list[tuple[str, bool]]:
    """(table, has a thread_id column) of every table of the schema keyed by store hash."""
    rows = await tx.fetchall(
        "SELECT c.table_name, bool_or(t.column_name IS NOT NULL) FROM information_schema.columns c "
        "LEFT JOIN information_schema.columns t ON t.table_schema = c.table_schema "
        "AND t.table_name = c.table_name AND t.column_name = 'thread_id' "
        "WHERE c.column_name = 'store_hash' AND c.table_schema = current_schema() "
        "GROUP BY c.table_name ORDER BY c.table_name"
    )
    return [(str(name), bool(threads)) for name, threads in rows if name not in KEEP]


async def _existing(tx: Transaction, names: tuple[str, ...]) -> list[str]:
    rows = await tx.fetchall(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    )
    present = {str(r[0]) for r in rows}
    return [n for n in names if n in present]


async def _thread_ids(tx: Transaction, tables: list[tuple[str, bool]], store_hash: str) -> set[str]:
    found: set[str] = set()
    for table, threads in tables:
        if threads:
            rows = await tx.fetchall(
                f"SELECT DISTINCT thread_id FROM {table} WHERE store_hash = ?", (store_hash,)
            )
            found |= {str(r[0]) for r in rows}
    return found


async def _open(settings: Settings, folder: Path) -> Database:
    return await open_database(settings, folder / "unused.sqlite", name="purge", what="the store's data")


async def footprint(settings: Settings, store_hash: str, folder: Path) -> list[str]:
    """One line per place the store's data is kept, with what is there (before deleting it)."""
    lines = []
    if folder.is_dir():
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in files)
        names = ", ".join(sorted({p.name for p in files if p.parent == folder}))
        lines.append(f"{len(files)} files ({size // 1024} KiB) under {folder}: {names}")
    if uses_postgres(settings):
        async with await _open(settings, folder) as db, db.transaction(readonly=True) as tx:
            tables = await _store_tables(tx)
            for table, _ in tables:
                row = await tx.fetchone(f"SELECT count(*) FROM {table} WHERE store_hash = ?", (store_hash,))
                if row and int(row[0]):
                    lines.append(f"PostgreSQL {table}: {int(row[0])} rows")
            threads = await _thread_ids(tx, tables, store_hash)
            if threads and await _existing(tx, CHECKPOINT_TABLES):
                lines.append(f"PostgreSQL checkpoints of {len(threads)} conversation(s)")
    return lines


async def purge(settings: Settings, store_hash: str, folder: Path) -> int:
    """Delete the store's rows from the shared database (files are the caller's); the rows deleted."""
    if not uses_postgres(settings):
        return 0
    deleted = 0
    async with await _open(settings, folder) as db, db.transaction() as tx:
        tables = await _store_tables(tx)
        threads = sorted(await _thread_ids(tx, tables, store_hash))
        for table in await _existing(tx, CHECKPOINT_TABLES):
            for start in range(0, len(threads), 500):
                chunk = threads[start : start + 500]
                marks = ", ".join("?" for _ in chunk)
                deleted += await tx.execute(f"DELETE FROM {table} WHERE thread_id IN ({marks})", chunk)
        for table, _ in tables:
            deleted += await tx.execute(f"DELETE FROM {table} WHERE store_hash = ?", (store_hash,))
    return deleted

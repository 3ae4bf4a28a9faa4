"""Opening LangGraph's checkpointer (the conversation state): ``checkpoints.sqlite`` in the store's
folder by default, LangGraph's PostgreSQL saver on the configured database.

LangGraph's saver creates its own tables (``setup()``); replicas starting at once would race on its
``CREATE TABLE IF NOT EXISTS``, so it runs under an advisory lock of the product's family
(:data:`~agent.persistence.migrations.CHECKPOINT_LOCK`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from ..settings import Settings
from .connect import is_postgres_url
from .migrations import CHECKPOINT_LOCK


async def _setup_serialised(url: str, saver: Any) -> None:
    """``saver.setup()`` with one replica at a time. The lock is polled (``pg_try_advisory_lock``), not
    waited for in a statement: a waiting statement holds a snapshot, and the holder's ``CREATE INDEX
    CONCURRENTLY`` would wait for it in turn, for ever."""
    import psycopg

    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as lock:
        while True:
            row = await (await lock.execute("SELECT pg_try_advisory_lock(%s)", (CHECKPOINT_LOCK,))).fetchone()
            if row and row[0]:
                break
            await asyncio.sleep(0.1)
        try:
            await saver.setup()
        finally:
            await lock.execute("SELECT pg_advisory_unlock(%s)", (CHECKPOINT_LOCK,))


@asynccontextmanager
async def open_checkpointer(settings: Settings, folder: Path) -> AsyncIterator[Any]:
    """The checkpointer of one store, open while used."""
    url = settings.database_url
    if is_postgres_url(url):
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

        assert url is not None
        async with AsyncPostgresSaver.from_conn_string(url) as saver:
            await _setup_serialised(url, saver)
            yield saver
        return
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    from .sqlite import private_file

    private_file(folder / "checkpoints.sqlite")  # readable by its owner only, as every SQLite file
    async with AsyncSqliteSaver.from_conn_string(str(folder / "checkpoints.sqlite")) as saver:
        yield saver

"""No database call blocks the event loop: the chat API's turns, thread checks and message times run
every SQLite statement of the records, the threads and the checkpoints on a worker thread.

The guard gives every SQLite connection opened during the test a connection class that notes each
statement run on a thread whose event loop is running (a blocking call from a coroutine). A repository
called synchronously from a coroutine would show up here; the second test shows the guard sees one.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sandbox.demo import DEMO_STORE_HASH
from tests.server.conftest import serve_stores

WATCHED = ("agent.sqlite", "serve.sqlite", "checkpoints.sqlite")


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def guard(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str]]:
    """(statements run off the loop, statements run on it) of the watched files, from now on."""
    off: list[str] = []
    on: list[str] = []
    connect = sqlite3.connect

    def note(name: str, sql: object) -> None:
        (on if _on_event_loop() else off).append(f"{Path(name).name}: {str(sql)[:60]}")

    class Cursor(sqlite3.Cursor):
        name = ""

        def execute(self, sql: str, *args: Any) -> Any:  # type: ignore[override]
            note(self.name, sql)
            return super().execute(sql, *args)

        def executemany(self, sql: str, *args: Any) -> Any:  # type: ignore[override]
            note(self.name, sql)
            return super().executemany(sql, *args)

    def guarded(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        name = str(database)
        if not name.endswith(WATCHED):
            return connect(database, *args, **kwargs)

        class Connection(sqlite3.Connection):
            def cursor(self, factory: Callable[..., sqlite3.Cursor] = Cursor) -> Any:  # type: ignore[override]
                cursor = super().cursor(factory)
                if isinstance(cursor, Cursor):
                    cursor.name = name
                return cursor

            def execute(self, sql: str, *args: Any) -> Any:  # type: ignore[override]
                return self.cursor().execute(sql, *args)

            def executemany(self, sql: str, *args: Any) -> Any:  # type: ignore[override]
                return self.cursor().executemany(sql, *args)

            def executescript(self, sql: str) -> Any:  # type: ignore[override]
                note(name, sql)
                return super().executescript(sql)

        note(name, "connect")
        return connect(database, *args, factory=Connection, **kwargs)  # type: ignore[misc]

    monkeypatch.setattr(sqlite3, "connect", guarded)
    return off, on


def test_the_chat_api_never_runs_a_database_statement_on_the_event_loop(
    tmp_path: Path, embedder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    off, on = guard(monkeypatch)
    with serve_stores(tmp_path, embedder) as served, served.client() as client:
        thread_id, headers = served.thread(client)
        for text in ("Where is order 12345? My email is wrong@example.com", "Is the code SAVE20 valid?"):
            answer = client.post(served.messages(thread_id), json={"text": text}, headers=headers)
            assert answer.status_code == 200, answer.text
        view = client.get(f"/v1/stores/{DEMO_STORE_HASH}/threads/{thread_id}", headers=headers)
        assert view.status_code == 200 and len(view.json()["messages"]) >= 4
    assert {entry.split(":")[0] for entry in off} >= set(WATCHED)  # the guard saw every file at work
    assert on == []


def test_the_guard_sees_a_statement_run_on_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    off, on = guard(monkeypatch)

    async def blocking() -> None:
        with sqlite3.connect(tmp_path / "agent.sqlite") as conn:
            conn.execute("SELECT 1")

    asyncio.run(blocking())
    assert on == ["agent.sqlite: connect", "agent.sqlite: SELECT 1"] and off == []

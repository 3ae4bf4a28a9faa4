"""The console's pages in process, without a server or a sandbox: the console's router in a FastAPI app
(its lifespan run by Starlette's TestClient), stores connected by writing their files, users signed in by
opening sessions in the console's state, and conversations written straight into the transcripts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
from fastapi import FastAPI
from starlette.testclient import TestClient

from agent.console.config import ConsoleConfig
from agent.console.context import ConsoleContext
from agent.console.router import console_router
from agent.persistence import timestamps
from agent.persistence.transcripts import open_transcripts
from agent.settings import Settings
from agent.store.connections import Connection, ConnectionStore, Secret
from agent.transcripts import Timings, ToolCallRecord, TurnRecord

TOKEN = "store-token-that-must-never-show-0123456789"


def message(store_hash: str, thread: str, text: str, *, replies: list[str] | None = None,
            minutes_ago: float = 5.0, calls: list[str] | None = None) -> TurnRecord:  # fmt: skip
    """A shopper's message turn a few minutes ago (relative to now, so any period filter holds it)."""
    started = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    turn_id = f"{thread}-{int(minutes_ago * 1000)}"
    return TurnRecord(
        turn_id=turn_id, request_id=turn_id, store_hash=store_hash, thread_id=thread,
        started_at=timestamps.precise(started), surface="serve", text=text, routes=["respond"],
        tool_calls=[ToolCallRecord(id=f"c-{n}", name=n, result={"status": "ok"}) for n in calls or []],
        replies=replies or ["Sure."], timings=Timings(total_ms=50.0),
    )  # fmt: skip


@dataclass
class Pages:
    client: TestClient
    settings: Settings

    @property
    def console(self) -> ConsoleContext:
        console: ConsoleContext = self.client.app.state.console  # type: ignore[attr-defined]
        return console

    def connect(self, store_hash: str) -> None:
        connection = Connection(
            store_hash=store_hash, api_url="http://sandbox.invalid", name=f"Shop {store_hash}"
        )
        ConnectionStore(self.settings.home).save(connection, Secret(TOKEN))

    def record(self, *turns: TurnRecord) -> None:
        async def write() -> None:
            folder = ConnectionStore(self.settings.home).folder(turns[0].store_hash)
            async with open_transcripts(self.settings, folder) as transcripts:
                for turn in turns:
                    await transcripts.add(turn)

        self.client.portal.call(write)  # type: ignore[union-attr]

    def user(self, store_hash: str, email: str) -> User:
        session_id, _ = self.client.portal.call(  # type: ignore[union-attr]
            self.console.state.open_session, store_hash, email, timedelta(hours=1)
        )
        return User(self.client, session_id)


@dataclass
class User:
    """A signed-in console user: every request carries their session cookie."""

    client: TestClient
    session_id: str

    def _as_me(self) -> None:  # one client for every user: its cookie jar holds this user's session
        self.client.cookies.clear()
        self.client.cookies.set("bcagent_console", self.session_id)

    def get(self, path: str, **params: Any) -> httpx.Response:
        self._as_me()
        return self.client.get(path, params=params, follow_redirects=True)

    def post(self, path: str, data: dict[str, str], follow: bool = True) -> httpx.Response:
        self._as_me()
        return self.client.post(path, data=data, follow_redirects=follow)

    def csrf(self, path: str) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', self.get(path).text)
        assert found, f"{path} has no form with a CSRF token"
        return found.group(1)


def pages_app(home: Path, settings: Settings | None = None, embedder: Any = None) -> Iterator[Pages]:
    settings = settings or Settings(home=home)
    server: Any = SimpleNamespace(settings=settings, stores={})
    app = FastAPI()
    app.state.server = server
    app.include_router(console_router(server, ConsoleConfig(), embedder=embedder))
    with TestClient(app) as client:
        yield Pages(client, settings)

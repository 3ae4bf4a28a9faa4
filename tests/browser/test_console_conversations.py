"""The console's conversation tools in Chromium: a conversation tagged and noted with the keyboard, the
list filtered by its tag, the conversation downloaded as a recording, and the insights page's unanswered
questions; every control named."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from agent.persistence.console import open_console_state
from tests.console.served import SERVED_HASH, Console, serve_console

from .browser import shot
from .test_console import UNNAMED_CONTROLS


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Console]:
    yield from serve_console(tmp_path_factory.mktemp("console-conversations"), embedder)


def _session(console: Console, email: str) -> str:
    """A console session of the served store's user, opened as a sign-in opens it."""

    async def open_session() -> str:
        state = await open_console_state(console.settings)
        try:
            await state.add_user(SERVED_HASH, email)
            session_id, _ = await state.open_session(SERVED_HASH, email, timedelta(hours=1))
            return session_id
        finally:
            await state.aclose()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, open_session()).result()


def test_tag_note_filter_and_download_a_conversation(console: Console, new_page: Any) -> None:
    chat = httpx.Client(base_url=f"{console.base_url}/v1/stores/{SERVED_HASH}", timeout=60)
    thread = chat.post("/threads").json()
    chat.post(f"/threads/{thread['thread_id']}/messages", json={"text": "Do you ship to Canada?"},
              headers={"X-Thread-Secret": thread["secret"]})  # fmt: skip
    page = new_page(accept_downloads=True)
    page.context.add_cookies([{"name": "bcagent_console", "value": _session(console, "ops@served.example"),
                               "domain": urlsplit(console.base_url).hostname, "path": "/admin"}])  # fmt: skip
    page.goto(f"{console.base_url}/admin/stores/{SERVED_HASH}/conversations/{thread['thread_id']}")
    assert page.get_by_role("heading", name="Tags and note").is_visible()
    assert page.evaluate(UNNAMED_CONTROLS) == []
    page.get_by_label("New tag").fill("Follow up")
    with page.expect_navigation():
        page.get_by_label("New tag").press("Enter")
    assert "Tagged 'follow up'." in page.get_by_role("status").first.inner_text()
    assert page.get_by_role("button", name="Remove tag follow up").is_visible()
    page.get_by_label("Note", exact=True).fill("Asked about Canada: tell the team.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save note").click()
    assert "Written by ops@served.example" in page.locator("#note-by").inner_text()
    shot(page, "console-conversation")
    with page.expect_download() as downloaded:
        page.get_by_role("link", name="Download as a recording (redacted)").click()
    header = json.loads(Path(downloaded.value.path()).read_text(encoding="utf-8").splitlines()[0])
    assert header["format"] == "bcagent.recording" and header["thread_id"] == thread["thread_id"]

    page.get_by_role("link", name="Conversations").click()
    page.get_by_label("Tag", exact=True).select_option("follow up")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    links = page.locator(f'a[href^="/admin/stores/{SERVED_HASH}/conversations/"]')
    assert links.count() == 1 and thread["thread_id"] in (links.first.get_attribute("href") or "")
    page.get_by_role("link", name="Insights").click()
    assert page.get_by_role("heading", name="Top unanswered questions").is_visible()
    assert page.evaluate(UNNAMED_CONTROLS) == []

"""A handoff in headless Chromium against a real ``bcagent serve``: the shopper asks for a person and
gives an email; staff reply through the admin API and the widget shows the reply (as text) with the
staff member's name; the shopper's next message gets no bot reply; after staff close the handoff the
assistant answers again."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent.ports import free_port
from agent.server import app as serve_app
from agent.server import run as serve_run
from agent.settings import HandoffSettings, ServeSettings, Settings
from agent.store.connect import connect_store
from agent.store.connections import ConnectionStore, Secret
from sandbox.app import Sandbox
from sandbox.demo import DEMO_STORE_HASH, FULL_TOKEN, generate_demo_store
from sandbox.server import SandboxServer
from sandbox.state import SandboxStore

from .browser import bot_texts, send, shot, storage, turns, wait_ready, wait_turns

pytestmark = pytest.mark.slow
ADMIN = "browser-admin-token-000000000001"
BEARER = {"Authorization": f"Bearer {ADMIN}"}
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[str]:
    home: Path = tmp_path_factory.mktemp("home")
    connections = ConnectionStore(home)
    with SandboxServer(
        Sandbox([SandboxStore.from_data(generate_demo_store(20, seed=0))], quota=10**6)
    ) as sandbox:
        with ThreadPoolExecutor(1) as pool:  # Playwright's sync API keeps an event loop in this thread
            pool.submit(
                asyncio.run, connect_store(DEMO_STORE_HASH, Secret(FULL_TOKEN), sandbox.base_url, connections)
            ).result()
        port = free_port()
        settings = Settings(
            home=home, serve=ServeSettings(port=port), handoff=HandoffSettings(admin_token=ADMIN)
        )
        options = serve_app.ServeOptions(embedder=embedder, follow_catalog=False)
        app = serve_app.create_app(settings, options=options)
        with serve_run.BackgroundServer(app, port=port) as running:
            yield running.base_url


def test_staff_answer_in_the_widget_and_hand_back(server: str, new_page: Any) -> None:
    page = new_page()
    page.goto(server + "/")
    wait_ready(page)
    page.locator("bcagent-chat button.launcher").click()
    page.locator("bcagent-chat [role=dialog]").wait_for(state="visible")

    send(page, "this is useless, let me talk to a human")
    assert "What email should our team reply to?" in bot_texts(page)[-1]
    send(page, "jane.doe@example.com")
    assert "jane.doe@example.com" in bot_texts(page)[-1]
    DOCS.mkdir(exist_ok=True)
    shutil.copyfile(shot(page, "widget-handoff"), DOCS / "widget-handoff.png")  # the README's picture

    listed = httpx.get(f"{server}/v1/admin/stores/{DEMO_STORE_HASH}/handoffs", headers=BEARER).json()[
        "handoffs"
    ]
    (handoff,) = listed
    assert handoff["thread_id"] == storage(page)["thread_id"]
    answer = httpx.post(
        f"{server}/v1/admin/stores/{DEMO_STORE_HASH}/handoffs/{handoff['id']}/messages",
        json={
            "text": 'Hi Jane <img src=x onerror="window.__xss=1">, a new pair ships today.',
            "author": "Sam",
        },
        headers=BEARER,
    )
    assert answer.status_code == 201
    staff = page.locator("bcagent-chat li.msg.staff")
    staff.wait_for(state="visible", timeout=30_000)
    assert staff.locator(".who").inner_text() == "Sam"
    assert "a new pair ships today" in staff.inner_text() and "<img" in staff.inner_text()
    assert page.evaluate("window.__xss") is None
    shot(page, "handoff-staff-reply")

    bots_before = len(bot_texts(page))
    send(page, "great, thank you!")
    assert len(bot_texts(page)) == bots_before  # no bot reply while staff have the chat

    closed = httpx.post(
        f"{server}/v1/admin/stores/{DEMO_STORE_HASH}/handoffs/{handoff['id']}/close", headers=BEARER
    )
    assert closed.status_code == 200
    page.wait_for_function(
        "() => [...document.querySelector('bcagent-chat').shadowRoot.querySelectorAll('li.msg.bot')]"
        '.some(li => li.textContent.includes("I\'m back"))',
        timeout=30_000,
    )
    before = turns(page)
    page.locator("bcagent-chat textarea").fill("How much are the Premium Boxing Gloves?")
    page.locator("bcagent-chat textarea").press("Enter")
    wait_turns(page, before + 1)
    assert "$" in bot_texts(page)[-1]
    assert page.errors == []

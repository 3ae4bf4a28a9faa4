"""The ``email_code`` policy over the chat API (issue 27), `bcagent serve` on a real uvicorn with a real
SMTP server on loopback: the confirmation says ``verify: "email_code"``, ``POST .../confirmation`` with
``{"confirm": true, "code": ...}`` answers it; a wrong code leaves it pending, the right one cancels."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from agent.settings import HandoffSettings
from agent.store.connections import ConnectionStore
from agent.store.live import change
from agent.store.merchant_settings import MerchantSettings
from sandbox.demo import DEMO_STORE_HASH
from tests.handoffs.receivers import Mailbox, smtp_server
from tests.server.conftest import Served, serve_stores

JANE = "jane.doe@example.com"


@pytest.fixture(scope="module")
def served_with_smtp(
    tmp_path_factory: pytest.TempPathFactory, embedder: Any
) -> Iterator[tuple[Served, Mailbox]]:
    with smtp_server() as (box, port, _):
        handoff = HandoffSettings(smtp_url=f"smtp://127.0.0.1:{port}", email_to="desk@knockout.example")
        home = tmp_path_factory.mktemp("email-code")
        with serve_stores(home, embedder, handoff=handoff) as served:

            def edit(current: MerchantSettings) -> MerchantSettings:
                return replace(current, policy=replace(current.policy, who_may_cancel="email_code"))

            connection = ConnectionStore(Path(home)).load(DEMO_STORE_HASH)
            asyncio.run(change(served.settings, connection, edit))
            yield served, box


def _code(box: Mailbox) -> str:
    body = box.messages[-1].get_body(("plain",))
    assert body is not None
    found = re.search(r"\b(\d{6})\b", body.get_content())
    assert found
    return found.group(1)


def _propose(served: Served, client: Any) -> tuple[str, dict[str, str], dict[str, Any]]:
    deadline = time.monotonic() + 30
    while True:  # the server follows the policy change within a second or so
        thread_id, headers = served.thread(client)
        answer = client.post(
            served.messages(thread_id), json={"text": f"Cancel my order 12346, email {JANE}"}, headers=headers
        )
        assert answer.status_code == 200, answer.text
        confirmation: dict[str, Any] = answer.json()["confirmation"]
        if confirmation["verify"] == "email_code" or time.monotonic() > deadline:
            return thread_id, headers, confirmation
        time.sleep(0.5)


def test_the_confirmation_route_takes_the_emailed_code(served_with_smtp: tuple[Served, Mailbox]) -> None:
    served, box = served_with_smtp
    with served.client() as client:
        thread_id, headers, confirmation = _propose(served, client)
        assert confirmation["verify"] == "email_code" and "j***@example.com" in confirmation["question"]
        assert len(box.messages) == 1
        code = _code(box)
        url = f"/v1/stores/{DEMO_STORE_HASH}/threads/{thread_id}/confirmation"
        body = {"proposal_id": confirmation["proposal_id"], "confirm": True}
        wrong = client.post(url, json={**body, "code": f"{(int(code) + 1) % 1_000_000:06d}"}, headers=headers)
        assert wrong.status_code == 200, wrong.text
        still = wrong.json()["confirmation"]
        assert still["proposal_id"] == confirmation["proposal_id"] and "2 tries left" in still["question"]
        assert served.sandbox.sandbox.store.orders[12346]["status_id"] == 11
        right = client.post(url, json={**body, "code": code}, headers=headers)
        assert right.status_code == 200, right.text
        assert right.json()["confirmation"] is None and code not in right.text
        assert served.sandbox.sandbox.store.orders[12346]["status_id"] == 5
        assert len(box.messages) == 1  # one email, whatever the re-runs

"""Conversation state in PostgreSQL: a pending cancellation resumes through a new connection."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest

from agent.graphs import router
from agent.models.intents import NLU
from agent.persistence.checkpoints import open_checkpointer
from agent.runtime import Agent
from agent.settings import Settings
from tests.tools.conftest import ToolsEnv

URL = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_available() -> bool:
    try:
        with psycopg.connect(URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@pytest.mark.skipif(
    not postgres_available(), reason="no PostgreSQL at 127.0.0.1:5432 (CI and dev machines have one)"
)
async def test_interrupt_survives_a_new_postgres_connection(env: ToolsEnv, nlu: NLU, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, database_url=URL)
    context = env.context  # built by the one test fixture, as every surface builds it
    thread = f"pg-{uuid.uuid4().hex}"
    async with open_checkpointer(settings, tmp_path) as saver:
        first = await Agent(router.build(saver), context).send(
            thread, "cancel order 12346, jane.doe@example.com"
        )
    assert first.confirmation is not None and first.confirmation["order_id"] == 12346
    assert not (tmp_path / "checkpoints.sqlite").exists()  # the state went to Postgres
    async with open_checkpointer(settings, tmp_path) as saver:
        agent = Agent(router.build(saver), context)
        assert (await agent.pending(thread)) is not None
        done = await agent.send(thread, "yes")
    assert "cancelled" in done.text.lower() and env.store.orders[12346]["status_id"] == 5

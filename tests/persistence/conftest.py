"""Persistence tests run on both engines: SQLite in the test's folder, and a fresh PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.settings import Settings
from tests.pgschema import fresh_database


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings naming the engine under test (the store's folder is ``tmp_path``)."""
    if request.param == "sqlite":
        yield Settings(home=tmp_path)
        return
    with fresh_database("bcagent_persist") as url:
        yield Settings(home=tmp_path, database_url=url)

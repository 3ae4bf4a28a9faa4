"""A PostgreSQL schema of its own for a test (PostgreSQL runs at 127.0.0.1:5432 here and in CI).

``pg_url`` yields a database URL whose ``search_path`` is a fresh schema, so parallel runs never see
each other's tables; the schema is dropped afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import quote

import psycopg
import pytest

SERVER_URL = "postgresql://postgres@127.0.0.1:5432/test"


def schema_url(schema: str) -> str:
    return f"{SERVER_URL}?options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    schema = f"bcagent_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(SERVER_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')  # type: ignore[arg-type]  # a generated identifier
    try:
        yield schema_url(schema)
    finally:
        with psycopg.connect(SERVER_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')  # type: ignore[arg-type]

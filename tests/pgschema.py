"""A PostgreSQL schema or database of its own for a test (PostgreSQL runs at 127.0.0.1:5432 here and in
CI).

``pg_url`` yields a database URL whose ``search_path`` is a fresh schema, so parallel runs never see
each other's tables; the schema is dropped afterwards. ``fresh_database`` makes a whole database (for
processes whose tables the product creates in ``public``: checkpoints, transcripts) and drops it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def fresh_database(prefix: str = "bcagent_test") -> Iterator[str]:
    """The URL of a new, empty database, dropped (with its connections) on exit."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]  # a generated identifier
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]

"""Shared test set-up: offline environment and the small store fixture."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

FIXTURES = Path(__file__).parent / "fixtures"
SMALL_STORE = FIXTURES / "small-store.json"
SMALL_FULL_TOKEN = "smallfulltoken00000000000000001"
SMALL_READONLY_TOKEN = "smallreadonly000000000000000002"


@pytest.fixture(scope="session")
def embedder() -> Any:
    """One embedding model for the whole test session (loading it takes seconds and ~500 MB)."""
    from ingest.embeddings import MiniLMEmbedding

    return MiniLMEmbedding()


@pytest.fixture
def small_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SMALL_STORE.read_text())
    return data

"""``BCAGENT_EMBEDDINGS``: which backend embeds (ingest/embeddings.py). Light to import: the settings
check it at start-up without loading a model."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

Backend = Literal["onnx-int8", "onnx", "torch"]
BACKENDS: tuple[Backend, ...] = ("onnx-int8", "onnx", "torch")
DEFAULT_BACKEND: Backend = "onnx-int8"


class EmbeddingsSettingError(ValueError):
    """``BCAGENT_EMBEDDINGS`` names no backend."""


def embeddings_backend(env: Mapping[str, str] | None = None) -> Backend:
    """The backend ``BCAGENT_EMBEDDINGS`` selects (default ``onnx-int8``)."""
    env = os.environ if env is None else env
    raw = env.get("BCAGENT_EMBEDDINGS", "").strip().lower()
    if not raw:
        return DEFAULT_BACKEND
    if raw not in BACKENDS:
        raise EmbeddingsSettingError(
            f"BCAGENT_EMBEDDINGS={env.get('BCAGENT_EMBEDDINGS')!r}: use one of {', '.join(BACKENDS)}"
        )
    return raw

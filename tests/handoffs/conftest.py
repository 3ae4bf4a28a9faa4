"""Handoff tests run their repositories on both engines, as tests/persistence does."""

from __future__ import annotations

from tests.persistence.conftest import settings

__all__ = ["settings"]

"""Pausing the cyclic garbage collector while building a large store.

A store is a tree of acyclic dicts; at 50,000 products the collector's repeated scans of the growing
heap would take most of the build time, and find nothing to free.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

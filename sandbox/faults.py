"""Fault injection for tests and benchmarks: latency, a 5xx rate, 429 bursts and dropped connections.

Set at start-up (``bcagent sandbox --latency-ms ...``) or at run time through the admin route
``PUT /__sandbox__/faults`` with a JSON body of the fields below.
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

Action = Literal["none", "error", "rate_limit", "drop"]


@dataclass
class FaultConfig:
    latency_ms: int = 0
    error_rate: float = 0.0
    error_status: int = 500
    burst_429: int = 0
    drop_rate: float = 0.0
    fail_next: int = 0
    seed: int = 0

    def validate(self) -> None:
        for name in ("error_rate", "drop_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value}")
        for name in ("latency_ms", "burst_429", "fail_next"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if not 500 <= self.error_status <= 599:
            raise ValueError(f"error_status must be a 5xx status, got {self.error_status}")


class Faults:
    """The live fault settings of a sandbox, changed atomically; decisions are seeded and reproducible."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self._lock = threading.Lock()
        self.config = config or FaultConfig()
        self.config.validate()
        self._random = random.Random(self.config.seed)

    def update(self, changes: dict[str, Any]) -> FaultConfig:
        known = {f.name for f in fields(FaultConfig)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown fault setting(s) {unknown}; known: {sorted(known)}")
        with self._lock:
            merged = FaultConfig(**{**asdict(self.config), **changes})
            merged.validate()
            self.config = merged
            self._random = random.Random(merged.seed)
        return merged

    def as_dict(self) -> dict[str, Any]:
        return asdict(self.config)

    def decide(self) -> tuple[Action, float]:
        """What to do with the next API request, and how long to delay it first (seconds)."""
        with self._lock:
            config = self.config
            delay = config.latency_ms / 1000
            if config.burst_429 > 0:
                config.burst_429 -= 1
                return "rate_limit", delay
            if config.fail_next > 0:
                config.fail_next -= 1
                return "error", delay
            if config.drop_rate and self._random.random() < config.drop_rate:
                return "drop", delay
            if config.error_rate and self._random.random() < config.error_rate:
                return "error", delay
        return "none", delay

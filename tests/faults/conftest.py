"""Fault tests reuse the attack suite's rig: the assistant on a recorded, fault-injectable sandbox."""

from tests.security.conftest import make_rig, nlu

__all__ = ["make_rig", "nlu"]

"""Where a replay's BigCommerce answers come from (`bcagent replay run --against`): a constant apart from
the runner, so the CLI's parser names the choices without loading the agent."""

from __future__ import annotations

MODES = ("recorded", "sandbox", "live")

__all__ = ["MODES"]

"""The scenarios as a LangSmith-style dataset (`bcagent eval export --format langsmith|jsonl`), so a
team already on LangSmith can run them there.

One example per scenario: ``inputs`` (the shopper's messages in order, the confirmations, the signed-in
shopper and product page, the store), ``outputs`` (the reference: the scenario's expectations, with the
expected tool calls and route lifted out as LangSmith evaluators usually read them) and ``metadata``
(id, tags, source file, store). ``jsonl`` writes one example a line (what LangSmith's dataset upload
and most eval tools read); ``langsmith`` writes one JSON document with the dataset's name, description
and examples. The same suite always gives the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .scenario import LoadedScenario


def _relative(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)


def example(item: LoadedScenario, root: Path | None = None) -> dict[str, Any]:
    scenario = item.scenario
    messages: list[dict[str, Any]] = []
    for turn in scenario.turns:
        if turn.user is not None:
            messages.append({"role": "user", "content": turn.user})
        else:
            messages.append({"role": "user", "confirm": turn.confirm})
    store = scenario.store or "demo"
    if item.store_path is not None:
        store = _relative(item.store_path, root)
    inputs: dict[str, Any] = {"messages": messages, "store": store}
    context = scenario.context.model_dump(exclude_none=True)
    if context:
        inputs["context"] = context
    if scenario.shopper is not None:
        inputs["shopper"] = scenario.shopper.model_dump()
    expect = scenario.expect.model_dump(exclude_defaults=True)
    outputs: dict[str, Any] = {"expect": expect}
    if scenario.expect.tool_calls:
        outputs["tool_calls"] = [{"name": c.name, "args": c.args} for c in scenario.expect.tool_calls]
    if scenario.expect.route:
        outputs["route"] = scenario.expect.route
    per_turn = [t.expect.model_dump(exclude_defaults=True) if t.expect else None for t in scenario.turns]
    if any(per_turn):
        outputs["turn_expect"] = per_turn
    metadata = {
        "id": scenario.id,
        "tags": scenario.tags,
        "source": _relative(item.source, root),
        "store": store,
    }
    return {"inputs": inputs, "outputs": outputs, "metadata": metadata}


def export(
    items: list[LoadedScenario], fmt: str, name: str = "bcagent-evals", root: Path | None = None
) -> str:
    """The dataset as text: ``jsonl`` (one example a line) or ``langsmith`` (one JSON document)."""
    examples = [example(item, root) for item in items]
    if fmt == "jsonl":
        return "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in examples)
    if fmt == "langsmith":
        dataset = {
            "name": name,
            "description": "bcagent eval scenarios: shopper conversations with reference expectations",
            "data_type": "kv",
            "examples": examples,
        }
        return json.dumps(dataset, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    raise ValueError(f"unknown format {fmt!r}: expected langsmith or jsonl")

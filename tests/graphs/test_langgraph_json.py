"""langgraph.json points at a loadable graph factory; its module's graph has the router's nodes."""

from __future__ import annotations

import importlib
import inspect
import json
from pathlib import Path


def test_langgraph_json_exposes_the_graph() -> None:
    config = json.loads((Path(__file__).parents[2] / "langgraph.json").read_text())
    path, _, attribute = config["graphs"]["bcagent"].partition(":")
    module = importlib.import_module(path.removeprefix("./").removesuffix(".py").replace("/", "."))
    assert inspect.iscoroutinefunction(getattr(module, attribute))  # the factory: host context per process
    graph = module.graph
    assert {"route", "order_management", "product_expert", "respond", "ground"} <= set(
        graph.get_graph().nodes
    )

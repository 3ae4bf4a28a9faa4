"""langgraph.json points at a loadable graph factory; its module's graph has the router's nodes."""

from __future__ import annotations

import importlib
import inspect
import json
import typing
from pathlib import Path

from langgraph_sdk.runtime import ServerRuntime


def test_langgraph_json_exposes_the_graph() -> None:
    config = json.loads((Path(__file__).parents[2] / "langgraph.json").read_text())
    path, _, attribute = config["graphs"]["bcagent"].partition(":")
    module = importlib.import_module(path.removeprefix("./").removesuffix(".py").replace("/", "."))
    factory = getattr(module, attribute)
    # the documented factory: an asynccontextmanager taking the server's runtime (not its config)
    assert inspect.isasyncgenfunction(inspect.unwrap(factory))
    (parameter,) = inspect.signature(factory).parameters.values()
    hints = typing.get_type_hints(factory, localns={"ServerRuntime": ServerRuntime})
    assert typing.get_origin(hints[parameter.name]) is ServerRuntime
    graph = module.graph
    assert {"route", "order_management", "product_expert", "respond", "ground"} <= set(
        graph.get_graph().nodes
    )

"""No import cycle among the project's modules (imports made only under ``TYPE_CHECKING`` excepted), and
the packages import one way: evals -> agent -> ingest -> bigcommerce, the sandbox importing none of them.

grimp (the import graph library behind import-linter) builds the graph; the cycles are the graph's
strongly connected components of more than one module.
"""

from __future__ import annotations

import grimp

PACKAGES = ("agent", "bigcommerce", "sandbox", "ingest", "evals")


def _graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """The components of more than one node (Tarjan's algorithm, iterative), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(edges.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pending = work[-1]
            if pending:
                nxt = pending.pop()
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(edges.get(nxt, ()))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle_and_nothing_else() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert strongly_connected(edges) == [["a", "b", "c"]]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_back() -> None:
    graph = _graph()
    edges = {module: set(graph.find_modules_directly_imported_by(module)) for module in graph.modules}
    assert strongly_connected(edges) == []


def test_packages_import_one_way() -> None:
    graph = _graph()
    allowed = {
        "evals": {"agent", "ingest", "bigcommerce", "sandbox"},
        "agent": {"ingest", "bigcommerce", "sandbox"},  # the CLI starts the sandbox (`bcagent sandbox`)
        "ingest": {"bigcommerce"},
        "bigcommerce": set(),
        "sandbox": set(),
    }
    wrong = []
    for importer, targets in allowed.items():
        for imported in set(PACKAGES) - targets - {importer}:
            if graph.direct_import_exists(importer=importer, imported=imported, as_packages=True):
                wrong.append(f"{importer} -> {imported}")
    assert wrong == []

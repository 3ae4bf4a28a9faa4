"""The catalog commands of `bcagent`: ingest, ingest explain, and search."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..settings import Settings
from ..store.connections import ConnectionProblem

if TYPE_CHECKING:
    from ingest.sync import Progress


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ingest = commands.add_parser(
        "ingest",
        help="sync the store's catalog into the vector store",
        description="Crawl the catalog (visible, in-stock products any shopper may see) into the store's "
        "vector collection. Incremental after the first run; --full re-reads everything.",
    )
    ingest.add_argument("--store", help="store hash (needed only when several stores are connected)")
    ingest.add_argument(
        "--full", action="store_true", help="re-read every product, not only the changed ones"
    )
    actions = ingest.add_subparsers(dest="ingest_command", metavar="explain")
    explain = actions.add_parser("explain", help="say why a product is or is not in the index")
    explain.add_argument("product", help="product id, SKU or name")
    explain.add_argument("--store", help="store hash (needed only when several stores are connected)")
    search = commands.add_parser("search", help="search the store's indexed catalog")
    search.add_argument("query", help="what a shopper might say, e.g. 'red gloves for sparring'")
    search.add_argument("-k", type=int, default=5, help="how many products (5)")
    search.add_argument("--store", help="store hash (needed only when several stores are connected)")


def terminal_progress() -> tuple[Progress, Callable[[], None]]:
    """A progress bar (products/s, ETA) on a terminal; a plain line every 1,000 products otherwise."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(unit=" products", dynamic_ncols=True, smoothing=0.1)

        def update(done: int, total: int | None) -> None:
            if total is not None and bar.total != total:
                bar.total = total
                bar.refresh()
            bar.update(done - bar.n)

        return update, bar.close
    last = [0]

    def line(done: int, total: int | None) -> None:
        if done - last[0] >= 1000:
            last[0] = done
            print(
                f"ingest: {done} of {total if total is not None else '?'} products",
                file=sys.stderr,
                flush=True,
            )

    return line, lambda: None


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from bigcommerce import BigCommerceError

    from ..store.catalog import run_explain, run_ingest

    try:
        if args.ingest_command == "explain":
            explanation = asyncio.run(run_explain(settings, args.store, args.product))
            print(explanation.message)
            return 0 if explanation.product is not None else 1
        progress, close = terminal_progress()
        try:
            report = asyncio.run(run_ingest(settings, args.store, args.full, progress))
        finally:
            close()
    except ConnectionProblem as problem:
        return _fail(str(problem))
    except BigCommerceError as exc:
        return _fail(f"{exc} The previous index is unchanged and still usable; run `bcagent ingest` again.")
    for line in report.lines():
        print(line)
    return 0 if report.failed == 0 else 1


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from ..store.catalog import run_search

    try:
        hits = run_search(settings, args.store, args.query, args.k)
    except ConnectionProblem as problem:
        return _fail(str(problem))
    if not hits:
        print("No products found (has the catalog been synced? run `bcagent ingest`).")
        return 1
    for hit in hits:
        price = hit.metadata.get("calculated_price", "")
        print(
            f"{hit.score:5.2f}  #{hit.product_id:<6} {hit.name}  ({price} {hit.metadata.get('currency', '')})"
        )
    return 0

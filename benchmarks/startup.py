"""Benchmark: how long `bcagent` commands take as whole processes, this tree against another, in one run.

Each command is run ``--runs`` times (default 5) as a fresh ``python -m agent.cli`` process with the tree
first on ``PYTHONPATH``, alternating between the two trees so both see the same machine load; the median
wall time of each is printed with the ratio (goal: `--help` and every sub-command's `--help` under 0.5 s,
`replay list`, `replay show` and `transcripts export` of one conversation under 1 s on a transcript
database of ``--threads`` conversations, default 100,000, bulk-filled like benchmarks/replay.py does).
Also printed: the interpreter's own start (``python -c pass``) and which of torch, langgraph,
langchain_core, chromadb, transformers, psycopg the `--help` process imported (goal: none).

    python benchmarks/startup.py [--before /work/main] [--runs 5] [--threads 100000] [--all-help]

``--before`` names the other checkout (default: none, only this tree is timed). ``--all-help`` also times
every sub-command's `--help` (one run each, this tree only).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TREE = HERE.parent
HEAVY = (
    "torch",
    "langgraph",
    "langchain_core",
    "chromadb",
    "transformers",
    "sentence_transformers",
    "psycopg",
)
STORE = "benchstore"


def _replay_benchmark() -> Any:
    """benchmarks/replay.py (its bulk ``fill``), loaded by path: benchmarks/ is not a package."""
    spec = importlib.util.spec_from_file_location("bench_replay", HERE / "replay.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _home(folder: Path, threads: int) -> Path:
    """A data directory with one connected store whose transcript file holds ``threads`` conversations."""
    home = folder / "home"
    store = home / "stores" / STORE
    store.mkdir(parents=True)
    (store / "credentials.json").write_text(json.dumps({"access_token": "bench-token"}))
    (store / "connection.json").write_text(
        json.dumps({"store_hash": STORE, "api_url": "http://127.0.0.1:9/", "name": "Bench"})
    )
    asyncio.run(_replay_benchmark().fill(store / "transcripts.sqlite", threads))
    return home


def _run(tree: Path, argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "agent.cli", *argv],
        cwd=tree,
        env={**env, "PYTHONPATH": str(tree)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{tree}: bcagent {' '.join(argv)} failed ({done.returncode}): {done.stderr[-800:]}")
    return elapsed


def _heavy_imports(tree: Path, env: dict[str, str]) -> list[str]:
    probe = (
        "import sys, contextlib, io\n"
        "from agent.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['--help'])\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tree,
        env={**env, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return [m for m in out.split(",") if m]


def _subcommands(tree: Path, env: dict[str, str]) -> list[list[str]]:
    probe = (
        "import argparse, json\n"
        "from agent.cli import build_parser\n"
        "def walk(parser, prefix):\n"
        "    out = [prefix]\n"
        "    for action in parser._actions:\n"
        "        if isinstance(action, argparse._SubParsersAction):\n"
        "            for name, sub in action.choices.items():\n"
        "                out += walk(sub, prefix + [name])\n"
        "    return out\n"
        "print(json.dumps(walk(build_parser(), [])[1:]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tree,
        env={**env, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [list(argv) for argv in json.loads(out)]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--before", type=Path, help="the other checkout to time (e.g. /work/main)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=100_000)
    parser.add_argument("--all-help", action="store_true", help="also every sub-command's --help")
    args = parser.parse_args()
    trees = [TREE] + ([args.before.resolve()] if args.before else [])
    with tempfile.TemporaryDirectory(prefix="bcagent-bench-startup-") as folder:
        started = time.perf_counter()
        home = _home(Path(folder), args.threads)
        print(f"filled {args.threads:,} conversations in {time.perf_counter() - started:.1f} s")
        env = {
            **os.environ,
            "BCAGENT_HOME": str(home),
            "ANONYMIZED_TELEMETRY": "False",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
        }
        env.pop("BCAGENT_DATABASE_URL", None)
        out = Path(folder) / "export.jsonl"
        commands: dict[str, list[str]] = {
            "--help": ["--help"],
            "replay list": ["replay", "list"],
            "replay list --grep zebra": ["replay", "list", "--grep", "zebra"],
            "replay show": ["replay", "show", "thread-000042"],
            "transcripts export --thread": [
                "transcripts",
                "export",
                "--thread",
                "thread-000042",
                "-o",
                str(out),
            ],
        }
        medians: dict[str, dict[Path, float]] = {}
        floor = []
        for _ in range(args.runs):  # the interpreter alone, for reading the figures on a busy machine
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            floor.append(time.perf_counter() - started)
        medians["(python -c pass)"] = {tree: statistics.median(floor) for tree in trees}
        for name, argv in commands.items():
            times: dict[Path, list[float]] = {tree: [] for tree in trees}
            for _ in range(args.runs):
                for tree in trees:
                    times[tree].append(_run(tree, argv, env))
            medians[name] = {tree: statistics.median(values) for tree, values in times.items()}
        if args.all_help:
            for argv in _subcommands(TREE, env):
                name = " ".join(argv) + " --help"
                medians[name] = {TREE: _run(TREE, [*argv, "--help"], env)}  # this tree only
        print(
            f"median of {args.runs} whole-process runs (sub-command --help: one run); load {os.getloadavg()[0]:.1f}"
        )
        header = f"{'command':40} {'this tree s':>12}"
        if args.before:
            header += f" {'before s':>10} {'ratio':>7}"
        print(header)
        for name, by_tree in medians.items():
            line = f"{name:40} {by_tree[TREE]:12.3f}"
            if args.before and trees[1] in by_tree:
                before = by_tree[trees[1]]
                line += f" {before:10.3f} {before / by_tree[TREE]:7.1f}"
            print(line)
        for tree in trees:
            print(
                f"heavy modules imported by `bcagent --help` in {tree}: {_heavy_imports(tree, env) or 'none'}"
            )


if __name__ == "__main__":
    main()

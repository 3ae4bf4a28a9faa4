"""The arguments of `bcagent eval`, apart from the suite's code so that building the `bcagent` parser
(and every `--help`) loads nothing of the agent."""

from __future__ import annotations

import argparse
from pathlib import Path

SUITE = Path(__file__).parent / "scenarios"
BASELINE = Path(__file__).parent / "baseline.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=["run", "generate", "compare", "export"],
        help="run scenarios; generate them from a store; compare two reports (OLD.json NEW.json); "
        "export them as a dataset",
    )
    parser.add_argument(
        "paths", nargs="*", type=Path, help="scenario files or folders (default: the suite); compare: OLD NEW"
    )
    parser.add_argument("--model", help="offline (default) or openai:MODEL")
    parser.add_argument("--trials", type=int, default=1, help="trials per scenario, for pass^k (1)")
    parser.add_argument("--concurrency", type=int, default=2, help="scenarios run at once (2)")
    parser.add_argument("--tags", help="only scenarios with one of these tags, comma-separated")
    parser.add_argument("--ids", help="only the scenarios with these ids, comma-separated")
    parser.add_argument("--report", type=Path, help="write a JSON report here")
    parser.add_argument("--html", type=Path, help="write a self-contained HTML report here")
    parser.add_argument("--results", type=Path, help="append per-trial results to this JSONL file")
    parser.add_argument("--resume", action="store_true", help="skip trials already in --results")
    parser.add_argument(
        "--prices", help="USD per million input,output tokens for the cost line, e.g. 0.15,0.60 (LLM runs)"
    )
    parser.add_argument(
        "--transcripts",
        type=Path,
        metavar="FILE.sqlite",
        help="record every turn into this SQLite file (default: one in the run's temporary folder, removed unless --keep)",
    )
    parser.add_argument("--no-transcripts", action="store_true", help="record no turn")
    parser.add_argument(
        "--baseline",
        type=Path,
        nargs="?",
        const=BASELINE,
        help="fail below the floors of this baseline file, or, given a previous JSON report, on any "
        "scenario that passed there and fails now",
    )
    parser.add_argument("--keep", action="store_true", help="keep the run's temporary folder (index, turns)")
    parser.add_argument(
        "--store",
        default="electronics",
        help="generate: demo, electronics (generated from --seed) or a fixture file (electronics)",
    )
    parser.add_argument("--format", choices=["langsmith", "jsonl"], default="jsonl", help="export: (jsonl)")
    parser.add_argument("--json", action="store_true", help="compare: print the comparison as JSON")
    parser.add_argument("--seed", type=int, default=0, help="generate: seed of the store and scenarios (0)")
    parser.add_argument("-o", "--output", type=Path, help="generate, export: the file to write")


__all__ = ["BASELINE", "SUITE", "add_arguments"]

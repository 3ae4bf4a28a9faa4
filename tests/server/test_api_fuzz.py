"""A property-based fuzz of the whole HTTP API from its own OpenAPI document (schemathesis, run as its
CLI against `bcagent serve` on loopback, bounded in examples): no 5xx, and every response as the schema
documents it. Deterministic generation, so a failure comes back the same on the next run."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.server.conftest import ADMIN_TOKEN, serve_stores

pytestmark = pytest.mark.slow
EXAMPLES = 5  # per operation and phase: about 360 requests, a minute or so


def test_no_server_error_and_no_response_off_its_schema(
    tmp_path_factory: pytest.TempPathFactory, embedder: Any
) -> None:
    home, reports = tmp_path_factory.mktemp("home"), tmp_path_factory.mktemp("fuzz")
    limits = {"rate_per_client": 100_000, "rate_per_thread": 100_000}  # fuzz the API, not the limiter
    with serve_stores(home, embedder, **limits) as served:
        run = subprocess.run(
            [
                str(Path(sys.executable).with_name("st")), "run", f"{served.url}/openapi.json",
                "--max-examples", str(EXAMPLES), "--generation-deterministic",
                "--checks", "not_a_server_error,response_schema_conformance",
                "--header", f"Authorization: Bearer {ADMIN_TOKEN}",
                "--request-timeout", "60",
                "--report", "junit", "--report-junit-path", str(reports / "junit.xml"),
            ],
            capture_output=True, text=True, timeout=1200,
        )  # fmt: skip
    summary = run.stdout[run.stdout.rfind("SUMMARY") :]
    assert run.returncode == 0, summary or run.stderr[-3000:]
    suites = ET.parse(reports / "junit.xml").getroot()
    cases = suites.findall(".//testcase")
    assert len(cases) >= 10, summary  # every operation of the document was exercised
    assert not suites.findall(".//failure") and not suites.findall(".//error"), summary

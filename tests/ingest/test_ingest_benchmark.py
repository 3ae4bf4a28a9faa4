"""benchmarks/ingest.py's ``--embeddings`` list and its side-by-side table: the comparison the README
quotes (ONNX int8 against PyTorch on the full 10k ingest) is only as right as these."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "ingest.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """The script, loaded by path (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("ingest_benchmark_under_test", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def result(bench: ModuleType, backend: str, **changes: Any) -> Any:
    figures: dict[str, Any] = {
        "backend": backend,
        "encoder": "OnnxEncoder" if backend.startswith("onnx") else "TorchEncoder",
        "model_load_s": 1.0,
        "seen": 10_000,
        "upserted": 8_000,
        "api_requests": 43,
        "seconds": 200.0,
        "peak_mb": 900.0,
        "query_p50_ms": 10.0,
        "query_p95_ms": 20.0,
        "recall": 0.99,
        "queries": 200,
        "load_before": 1.0,
        "load_after": 2.0,
        "torch_imported": not backend.startswith("onnx"),
    }
    return bench.FullIngest(**(figures | changes))


def test_backends_keep_the_order_given_once_each(bench: ModuleType) -> None:
    assert bench.parse_backends("torch, ONNX-int8,torch,") == ["torch", "onnx-int8"]
    assert bench.parse_backends("onnx") == ["onnx"]


@pytest.mark.parametrize("raw", ["", " , ", "torch,onnx-int4", "pytorch"])
def test_an_unknown_or_missing_backend_is_refused(bench: ModuleType, raw: str) -> None:
    with pytest.raises(ValueError, match="--embeddings"):
        bench.parse_backends(raw)


def test_the_table_has_a_column_per_backend_and_the_ratio_to_the_first(bench: ModuleType) -> None:
    torch = result(bench, "torch", seconds=400.0, recall=0.995, peak_mb=1100.0)
    int8 = result(bench, "onnx-int8", seconds=160.0, recall=0.990, peak_mb=300.0)
    lines = bench.side_by_side(10_000, [torch, int8])
    header = lines[1].split()
    assert header == ["torch", "onnx-int8"]
    by_label = {line[:44].strip(): line[44:].split() for line in lines[2:] if len(line) > 44}
    assert by_label["products/s embedded"] == ["20.0", "50.0"]  # 8,000 products in 400 s and in 160 s
    assert by_label["full sync, s"] == ["400.0", "160.0"]
    assert by_label["peak memory of its process, MB"] == ["1100", "300"]
    assert by_label["PyTorch imported in its process"] == ["yes", "no"]
    assert lines[-1] == (
        "onnx-int8 / torch products/s (embedded): 2.50   full sync time: 0.40   recall@5 -0.005"
    )


def test_a_result_survives_the_trip_from_the_child_process(bench: ModuleType) -> None:
    """The child prints ``asdict`` as JSON and the parent rebuilds it with ``FullIngest(**...)``."""
    import json
    from dataclasses import asdict

    sent = result(bench, "onnx-int8")
    assert bench.FullIngest(**json.loads(json.dumps(asdict(sent)))) == sent

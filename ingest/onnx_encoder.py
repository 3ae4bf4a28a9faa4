"""all-MiniLM-L6-v2 on ONNX Runtime: the model's own tokenizer, mean pooling and unit length, as
sentence-transformers computes them (``Transformer`` -> ``Pooling(mean)`` -> ``Normalize``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

FloatArray = np.ndarray[Any, np.dtype[np.float32]]


class OnnxEncoder:
    """One ONNX Runtime session and tokenizer; not thread-safe (the caller serializes)."""

    def __init__(self, onnx_file: Path, model_dir: Path, max_tokens: int, one_text_per_run: bool) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        # Other processes share the cores: idle worker threads sleep instead of spinning.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = onnxruntime.InferenceSession(
            str(onnx_file), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.dimensions = int(self.session.get_outputs()[0].shape[-1])
        # The int8 model quantises its activations with the range of the whole input, so a text run in
        # a batch would get a vector that depends on its neighbours and their padding (cosine to itself
        # alone down to 0.97). One text per run keeps it a function of the text, and is as fast on a
        # CPU (no padding): 48 texts/s against 41 in batches of 64, measured on 300 product documents.
        self.one_text_per_run = one_text_per_run

    def encode(self, texts: list[str], batch_size: int) -> FloatArray:
        """(n, dimensions) unit vectors. Texts go by length, longest first, as sentence-transformers
        batches them, so a batch pads to about its own length; rows come back in the input order."""
        if self.one_text_per_run:
            batch_size = 1
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            picked = order[start : start + batch_size]
            out[picked] = self._encode_batch([texts[i] for i in picked])
        return out

    def _encode_batch(self, texts: list[str]) -> FloatArray:
        encodings = self.tokenizer.encode_batch(texts)
        input_ids = np.array([e.ids for e in encodings], dtype=np.int64)
        attention_mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        token_type_ids = np.array([e.type_ids for e in encodings], dtype=np.int64)
        (token_vectors,) = self.session.run(
            None,
            {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids},
        )
        return mean_pool_normalised(np.asarray(token_vectors, dtype=np.float32), attention_mask)


def mean_pool_normalised(token_vectors: FloatArray, attention_mask: np.ndarray[Any, Any]) -> FloatArray:
    """sentence-transformers' mean pooling (padding left out, count clamped at 1e-9) then L2 norm
    (clamped at 1e-12, as torch.nn.functional.normalize)."""
    mask = attention_mask[..., None].astype(np.float32)
    summed = (token_vectors * mask).sum(axis=1)
    pooled = summed / np.clip(mask.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    unit: FloatArray = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
    return unit

"""The embedding backends: ONNX Runtime (int8, float32) against PyTorch, the export cache, the fallback
and the ``BCAGENT_EMBEDDINGS`` setting."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ingest import embeddings, onnx_export
from ingest.embedding_setting import Backend, EmbeddingsSettingError, embeddings_backend
from ingest.embeddings import EMBEDDING_NAME, MiniLMEmbedding, TorchEncoder, load_encoder, model_path
from ingest.onnx_encoder import OnnxEncoder
from ingest.onnx_export import onnx_model, wheel_fingerprint

TEXTS = [
    "hi",
    "Do you have the red running shoes in size 10?",
    "how much is the blue kettle",
    "Tell me about Everlast Pro Style Training Gloves",
    "Is the Hayabusa T3 Boxing Gloves available in 16oz?",
    "gift ideas for my bf who boxes, budget like $50",
    "where do you ship to?",
    "can I return an opened item",
    "what's the status of order 1234",
    "¿tienen guantes de boxeo rojos?",
    "Avez-vous des chaussures de course ?",
    "日本語のテキスト",
    "",
    "   ",
    "!!!",
    "Boxing Gloves 16oz\nCategories: Boxing, Gloves\nSize: 12oz, 14oz, 16oz\nColor: Red, Black\n"
    "Price: $59.99, on sale for $49.99\nLeather training gloves with a wrist strap, for bag and pads.",
    "Hand Wraps 180in\nCategories: Boxing\nColor: Black, Blue, Red\nPrice: $9.99\nCotton stretch wraps.",
    "Stainless Steel Kettle 1.7L\nCategories: Kitchen\nPrice: $34.00\nBoils in three minutes. " * 6,
    "Men's Trail Running Shoe\nCategories: Shoes, Running\nSize: 8, 9, 10, 11, 12\nPrice: $120.00",
    "A product description that goes on well past the 128 word-piece limit. " * 30,
    "Speed bag with swivel",
    "heavy bag 100 lb unfilled",
    "mouth guard for kids",
    "jump rope, weighted, 3m",
    "does this come in large",
    "I want to talk to a person",
    "What are your opening hours?",
    "track my package please",
    "Compare the 14oz and 16oz gloves",
    "cheap headgear",
    "USB-C charger 65W GaN\nCategories: Electronics\nPrice: $39.00",
    "Noise cancelling headphones, over-ear, bluetooth 5.3, 30 hour battery",
]


@pytest.fixture(scope="session")
def onnx_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models folder holding the exported float32 and int8 models: the export runs once a session."""
    home = tmp_path_factory.mktemp("models")
    onnx_model(Path(model_path()), "int8", home)
    return home


@pytest.fixture(scope="session")
def torch_vectors() -> np.ndarray[Any, np.dtype[np.float32]]:
    return TorchEncoder(128).encode(TEXTS, 64)


def cosines(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    return (a * b).sum(axis=1)


@pytest.mark.parametrize(("backend", "floor"), [("onnx-int8", 0.98), ("onnx", 0.9999)])
def test_onnx_vectors_are_the_torch_vectors(
    backend: Backend, floor: float, onnx_home: Path, torch_vectors: np.ndarray[Any, Any]
) -> None:
    vectors = load_encoder(backend, 128, onnx_home).encode(TEXTS, 64)
    assert isinstance(vectors, np.ndarray) and vectors.dtype == np.float32
    assert vectors.shape == (len(TEXTS), embeddings.DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similarity = cosines(vectors, torch_vectors)
    assert similarity.mean() >= 0.99
    assert similarity.min() >= floor, [TEXTS[i] for i in np.flatnonzero(similarity < floor)]
    # only texts without a word ("", "!!!": 0.988 in int8) come under 0.99
    worded = [i for i, text in enumerate(TEXTS) if any(c.isalnum() for c in text)]
    assert similarity[worded].min() >= 0.99


@pytest.mark.parametrize("backend", ["onnx-int8", "onnx"])
def test_a_text_gets_its_vector_whatever_its_batch(backend: Backend, onnx_home: Path) -> None:
    encoder = load_encoder(backend, 128, onnx_home)
    together = encoder.encode(TEXTS, 64)
    alone = np.vstack([encoder.encode([text], 64) for text in TEXTS])
    in_threes = encoder.encode(TEXTS, 3)
    assert np.allclose(together, alone, atol=1e-5)
    assert np.allclose(together, in_threes, atol=1e-5)


def test_the_export_is_cached_and_reused(onnx_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = onnx_export.cache_dir(Path(model_path()), onnx_home)
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert sorted(before) == ["model-fp32.onnx", "model-int8.onnx"]  # no temporary file left behind

    def no_export(*args: Any) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr(onnx_export, "export_fp32", no_export)
    monkeypatch.setattr(onnx_export, "quantise_int8", no_export)
    assert onnx_model(Path(model_path()), "int8", onnx_home) == folder / "model-int8.onnx"
    assert onnx_model(Path(model_path()), "fp32", onnx_home) == folder / "model-fp32.onnx"
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before


def test_the_cache_key_follows_the_wheels_files(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "model.safetensors").write_bytes(b"weights")
    first = wheel_fingerprint(tmp_path)
    assert wheel_fingerprint(tmp_path) == first
    (tmp_path / "model.safetensors").write_bytes(b"other weights")
    assert wheel_fingerprint(tmp_path) != first


def test_a_failed_export_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(model_dir: Path, target: Path) -> None:
        target.write_bytes(b"half a model")
        raise RuntimeError("export failed")

    monkeypatch.setattr(onnx_export, "export_fp32", broken)
    with pytest.raises(RuntimeError):
        onnx_model(Path(model_path()), "fp32", tmp_path)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_two_exports_at_once_leave_one_whole_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    both_writing = threading.Barrier(2)

    def export(model_dir: Path, target: Path) -> None:
        with target.open("wb") as stream:
            stream.write(b"first half ")
            both_writing.wait(timeout=10)  # each is half-written while the other writes too
            stream.write(b"second half")

    monkeypatch.setattr(onnx_export, "export_fp32", export)
    results: list[Path] = []
    threads = [
        threading.Thread(target=lambda: results.append(onnx_model(Path(model_path()), "fp32", tmp_path)))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2 and results[0] == results[1]
    assert results[0].read_bytes() == b"first half second half"
    assert [p.name for p in results[0].parent.iterdir()] == ["model-fp32.onnx"]


class FakeTorch:
    def __init__(self, max_tokens: int) -> None:
        self.max_tokens = max_tokens

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray[Any, np.dtype[np.float32]]:
        return np.ones((len(texts), embeddings.DIMENSIONS), dtype=np.float32)


def test_onnx_runtime_that_will_not_import_falls_back_to_torch(
    onnx_home: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(embeddings, "TorchEncoder", FakeTorch)
    monkeypatch.setitem(__import__("sys").modules, "onnxruntime", None)  # import raises ImportError
    with caplog.at_level(logging.WARNING, logger="ingest.embeddings"):
        encoder = load_encoder("onnx-int8", 128, onnx_home)
    assert isinstance(encoder, FakeTorch)
    assert [r.getMessage() for r in caplog.records if r.name == "ingest.embeddings"] == [
        "embeddings: onnx-int8 unavailable (ModuleNotFoundError: import of onnxruntime halted; None in "
        "sys.modules); using PyTorch"
    ]


def test_a_session_that_fails_falls_back_to_torch_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_session(self: OnnxEncoder, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("bad model file")

    monkeypatch.setattr(embeddings, "TorchEncoder", FakeTorch)
    monkeypatch.setattr(OnnxEncoder, "__init__", no_session)
    monkeypatch.setattr(onnx_export, "onnx_model", lambda *args: Path("unused.onnx"))
    monkeypatch.setattr(embeddings, "_MODELS", {})
    embedder = MiniLMEmbedding(backend="onnx")
    with caplog.at_level(logging.WARNING, logger="ingest.embeddings"):
        first = embedder.encode(["one"])
        second = MiniLMEmbedding(backend="onnx").encode(["two", "three"])
    assert first.shape == (1, embeddings.DIMENSIONS) and second.shape == (2, embeddings.DIMENSIONS)
    warnings = [r.getMessage() for r in caplog.records if r.name == "ingest.embeddings"]
    assert warnings == ["embeddings: onnx unavailable (RuntimeError: bad model file); using PyTorch"]


def test_one_model_per_backend_and_word_piece_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[tuple[str, int]] = []

    def counting(backend: Backend, max_tokens: int) -> FakeTorch:
        loads.append((backend, max_tokens))
        return FakeTorch(max_tokens)

    monkeypatch.setattr(embeddings, "_MODELS", {})
    monkeypatch.setattr(embeddings, "load_encoder", counting)
    for embedder in (MiniLMEmbedding(backend="onnx-int8"), MiniLMEmbedding(backend="onnx-int8")):
        embedder.encode(["a"])
    MiniLMEmbedding(backend="torch").encode(["a"])
    MiniLMEmbedding(backend="torch", max_tokens=256).encode(["a"])
    assert loads == [("onnx-int8", 128), ("torch", 128), ("torch", 256)]


@pytest.mark.parametrize(
    ("raw", "backend"),
    [
        (None, "onnx-int8"),
        ("", "onnx-int8"),
        ("onnx-int8", "onnx-int8"),
        (" ONNX ", "onnx"),
        ("torch", "torch"),
    ],
)
def test_the_setting_names_the_backend(raw: str | None, backend: str) -> None:
    env = {} if raw is None else {"BCAGENT_EMBEDDINGS": raw}
    assert embeddings_backend(env) == backend


def test_a_bad_setting_says_what_to_use(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(
        EmbeddingsSettingError, match=r"BCAGENT_EMBEDDINGS='onnx-fp16': use one of onnx-int8, onnx, torch"
    ):
        embeddings_backend({"BCAGENT_EMBEDDINGS": "onnx-fp16"})
    monkeypatch.setenv("BCAGENT_EMBEDDINGS", "tensorflow")
    with pytest.raises(ValueError, match="BCAGENT_EMBEDDINGS='tensorflow'"):
        MiniLMEmbedding()


def test_the_settings_refuse_a_bad_backend_at_start_up() -> None:
    from agent.settings import Settings, SettingsError

    with pytest.raises(SettingsError, match="BCAGENT_EMBEDDINGS='gpu': use one of onnx-int8, onnx, torch"):
        Settings.from_env({"BCAGENT_EMBEDDINGS": "gpu"})
    assert Settings.from_env({"BCAGENT_EMBEDDINGS": "torch", "BCAGENT_HOME": "/tmp/x"}).home == Path("/tmp/x")


def test_chroma_sees_the_same_function_whatever_the_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    """Collections made with ``bcagent-minilm`` before the backends existed keep their name and config."""
    monkeypatch.setenv("BCAGENT_EMBEDDINGS", "onnx")
    assert MiniLMEmbedding.name() == EMBEDDING_NAME == "bcagent-minilm"
    assert MiniLMEmbedding(backend="torch").get_config() == {"batch_size": 64, "max_tokens": 128}
    rebuilt = MiniLMEmbedding.build_from_config({"batch_size": 64, "max_tokens": 128})
    assert (rebuilt.backend, rebuilt.batch_size, rebuilt.max_tokens) == ("onnx", 64, 128)

"""Benchmark: the embedding backends side by side on the same product documents, in one run.

PyTorch (sentence-transformers), ONNX Runtime int8 and ONNX Runtime float32 embed the same documents of
the demo catalog (1,000 by default, built as the sync builds them). Printed:

- products/s of each (after a warm-up; ONNX's one-time export timed apart) and the ratios to PyTorch;
- the cosine between each ONNX vector and the PyTorch vector of the same document: mean, 1st
  percentile and minimum (goal: >= 0.99), and the same on the generated questions;
- recall@5 of generated product questions (benchmarks/ingest.py's phrasings) searched among those
  documents by each backend, and its difference to PyTorch's (goal: within 0.01).

    python benchmarks/embeddings.py [--products 1000] [--seed 1] [--queries 500] [--batch-size 64]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from bigcommerce.types.catalog import Category, Product  # noqa: E402
from ingest.documents import CatalogContext, build_document  # noqa: E402
from ingest.embedding_setting import BACKENDS, Backend  # noqa: E402
from ingest.embeddings import load_encoder  # noqa: E402
from ingest.filters import judge  # noqa: E402
from sandbox.demo import generate_demo_store  # noqa: E402

Vectors = np.ndarray[Any, np.dtype[np.float32]]


def _questions_for() -> Any:
    """benchmarks/ingest.py's question phrasings (it is a script, loaded by path)."""
    spec = importlib.util.spec_from_file_location("ingest_benchmark", Path(__file__).parent / "ingest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module.questions_for


def documents(count: int, seed: int) -> list[tuple[dict[str, Any], str]]:
    """(metadata, text) of the first ``count`` indexable products of a demo catalog."""
    store = generate_demo_store(products=max(count * 2, 300), seed=seed)
    categories = [Category.model_validate(c) for c in store["categories"]]
    context = CatalogContext(category_names={c.id: c.name for c in categories if c.id is not None and c.name})
    out = []
    for data in store["products"]:
        product = Product.model_validate(data)
        if not judge(product, None).included:
            continue
        document = build_document(product, context)
        out.append((dict(document.metadata), document.text))
        if len(out) == count:
            break
    return out


def recall_at_5(documents: Vectors, questions: Vectors, answers: list[int]) -> float:
    top = np.argsort(-(questions @ documents.T), axis=1)[:, :5]
    return float(np.mean([answer in row for answer, row in zip(answers, top, strict=True)]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    docs = documents(args.products, args.seed)
    texts = [text for _, text in docs]
    rng = random.Random(args.seed)
    questions_for = _questions_for()
    answers = rng.sample(range(len(docs)), min(args.queries, len(docs)))
    questions = [questions_for(docs[i][0], docs[i][1], rng) for i in answers]
    per_s: dict[Backend, float] = {}
    doc_vectors: dict[Backend, Vectors] = {}
    question_vectors: dict[Backend, Vectors] = {}
    with tempfile.TemporaryDirectory() as home:  # a fresh cache: the export is timed, not reused
        for backend in BACKENDS[::-1]:  # torch first: the reference
            started = time.perf_counter()
            encoder = load_encoder(backend, 128, Path(home))
            loaded_s = time.perf_counter() - started
            encoder.encode(["warm up the model"], args.batch_size)
            started = time.perf_counter()
            doc_vectors[backend] = encoder.encode(texts, args.batch_size)
            per_s[backend] = len(texts) / (time.perf_counter() - started)
            question_vectors[backend] = encoder.encode(questions, args.batch_size)
            print(f"{backend}: loaded (exported when ONNX) in {loaded_s:.1f} s")
            del encoder
    print(f"{len(texts):,} product documents (demo catalog, seed {args.seed}), {len(questions)} questions")
    torch_recall = recall_at_5(doc_vectors["torch"], question_vectors["torch"], answers)
    for backend in BACKENDS[::-1]:
        recall = recall_at_5(doc_vectors[backend], question_vectors[backend], answers)
        line = (
            f"{backend:>9}: {per_s[backend]:6.1f} products/s ({per_s[backend] / per_s['torch']:.2f} x torch)"
        )
        line += f"   recall@5 {recall:.3f} ({recall - torch_recall:+.3f})"
        if backend != "torch":
            docs_cos = (doc_vectors[backend] * doc_vectors["torch"]).sum(axis=1)
            q_cos = (question_vectors[backend] * question_vectors["torch"]).sum(axis=1)
            line += (
                f"\n           cosine to torch, documents: mean {docs_cos.mean():.4f}, p1 "
                f"{np.percentile(docs_cos, 1):.4f}, min {docs_cos.min():.4f};"
                f" questions: mean {q_cos.mean():.4f}, min {q_cos.min():.4f}"
            )
        print(line)
    print("goals: cosine >= 0.99, recall@5 within 0.01 of torch")


if __name__ == "__main__":
    main()

"""Benchmark: generating and loading a large demo store (time and peak memory).

Each size runs in a fresh subprocess so its peak RSS is its own. Prints, side by side: generation
time, load (validate + index) time, fixture-file load time, peak memory, and the scaling ratio against
the smallest size (1.0 = perfectly linear).

    python benchmarks/sandbox_store.py [--sizes 5000,50000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def measure(products: int) -> dict[str, float]:
    from sandbox.demo import generate_demo_store
    from sandbox.state import SandboxStore

    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    data = generate_demo_store(products, seed=1)
    generated = time.perf_counter()
    store = SandboxStore.from_data(data, "demo")
    loaded = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store.json"
        store.write_fixture(path)
        size_mb = path.stat().st_size / 1e6
        del data
        file_started = time.perf_counter()
        SandboxStore.from_file(path)
        file_loaded = time.perf_counter()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "products": products,
        "generate_s": generated - started,
        "load_s": loaded - generated,
        "file_mb": size_mb,
        "file_load_s": file_loaded - file_started,
        "peak_mb": peak_kb / 1024,
        "baseline_mb": baseline_kb / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="5000,50000")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(size)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    base = rows[0]
    header = (
        f"{'products':>9} {'generate s':>11} {'load s':>8} {'file MB':>8} {'file load s':>12} "
        f"{'peak MB':>8} {'us/product':>11} {'scaling':>8}"
    )
    print(header)
    for row in rows:
        per_product = (row["generate_s"] + row["load_s"]) / row["products"] * 1e6
        base_per = (base["generate_s"] + base["load_s"]) / base["products"] * 1e6
        print(
            f"{row['products']:>9,} {row['generate_s']:>11.2f} {row['load_s']:>8.2f} {row['file_mb']:>8.1f} "
            f"{row['file_load_s']:>12.2f} {row['peak_mb']:>8.0f} {per_product:>11.1f} {per_product / base_per:>8.2f}"
        )
    print(
        "scaling = time per product relative to the smallest size (1.00 = linear); peak MB is the process RSS."
    )


if __name__ == "__main__":
    main()

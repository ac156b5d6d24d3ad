"""What an embedder costs through the ONNX path a build and a search use: the seconds to embed one
request, and with --pool, paragraphs per second of a build and int8's cosine to fp32
(docs/benchmarks.md, "Stop 43: a stronger embedder for the candidate lists").

    python benchmarks/embedder_cost.py MODEL [MODEL ...] [--sample 100] [--precision fp32|int8] [--pool POOL]

MODEL: a name or a sentence-transformers folder, as `--embedder` takes it. The export is made
once (cached under $DOCPROMPT_HOME/models/onnx, as a build makes it) and not timed; then a
seeded sample of tldr dev's report requests is embedded one at a time, as `dp` and `docprompt
ask` embed a request. Prints the graph's size, the time to load it, and median / p95 ms. POOL:
an index (e.g. the tldr pool of benchmarks/answer_stage.sh) whose first paragraphs are embedded
in batches of 32 by both exports.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

import numpy as np

from docprompt.chunking import dense_text
from docprompt.embed import get_embedder
from docprompt.embed.onnx import OnnxEmbedder
from docprompt.eval.datasets import load
from docprompt.eval.generate import split_of
from docprompt.store.build import _onnx_source
from docprompt.store.index import Index

DEV = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "tldr" / "dev.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("models", nargs="+")
    ap.add_argument("--sample", type=int, default=100)
    ap.add_argument("--precision", choices=["fp32", "int8"], default="fp32")
    ap.add_argument("--pool", help="an index whose paragraphs are embedded by both exports")
    ap.add_argument("--paragraphs", type=int, default=256)
    args = ap.parse_args()
    shape, rows = load(str(DEV))
    requests = [r.nl for r in rows if split_of(r, shape) == "report"]
    requests = random.Random(0).sample(requests, min(args.sample, len(requests)))
    for model in args.models:
        embedder = get_embedder(model)
        folder = _onnx_source(embedder, None, args.precision)
        assert folder is not None, f"{model} has no ONNX form"
        size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        started = time.perf_counter()
        onnx = OnnxEmbedder(folder, name=model)
        onnx.embed_query("warm up")
        loaded = time.perf_counter() - started
        ms = []
        for text in requests:
            t = time.perf_counter()
            onnx.embed_query(text)
            ms.append(1000 * (time.perf_counter() - t))
        p95 = statistics.quantiles(ms, n=20)[-1]
        print(f"{model} ({args.precision}, {size / 1e6:.0f} MB, {onnx.dim}-d): load {loaded:.2f} s, "
              f"{len(ms)} requests: median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms")  # fmt: skip
        if args.pool:
            build_speed(embedder, Index(args.pool), args.paragraphs)


def build_speed(embedder, index: Index, n: int) -> None:
    texts = [dense_text(c) for c in index.store.get(list(range(min(n, index.count))))]
    vectors = {}
    for precision in ("fp32", "int8"):
        folder = _onnx_source(embedder, None, precision)
        assert folder is not None
        onnx = OnnxEmbedder(folder, name=embedder.name)
        onnx.embed(texts[:32])
        started = time.perf_counter()
        vectors[precision] = onnx.embed(texts, batch_size=32)
        print(f"  {precision}: {len(texts) / (time.perf_counter() - started):.1f} paragraphs/s", flush=True)
    cos = np.sum(vectors["fp32"] * vectors["int8"], axis=1)
    print(f"  int8's cosine to fp32 over {len(texts)} paragraphs: mean {cos.mean():.4f}, min {cos.min():.4f}")


if __name__ == "__main__":
    main()

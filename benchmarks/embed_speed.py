"""Embedding throughput of the ONNX exports (issue #11, item 12): fp32 against int8 (onnxruntime's
dynamic quantization, per-channel weights), on real paragraphs of the two eval pools.

    python benchmarks/embed_speed.py --sample 1000 --batch-sizes 32,64,128

Paragraphs: a seeded sample of the man-page pool (../shared/data/manpages) and of the DevDocs pool
(../shared/data/devdocs), chunked and titled exactly as a build does. For each export it reports
paragraphs per second of wall time and per CPU-second of this process (the machine is shared:
the second figure moves less with the load), the cosine of each vector to fp32's, the time the
tokenizer alone takes, and what the whole pool would take at that rate on two idle cores.
Results are in docs/benchmarks.md ("Embedding speed: int8 against fp32").
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
POOLS = {  # indexer, source, options, paragraphs in the whole pool
    "man": ("manpages", DATA / "manpages" / "manpages.tar.gz", {}, 113_084),
    "devdocs": ("devdocs", DATA / "devdocs" / "devdocs-13libs.tar.xz", {"examples": False}, 35_721),
}


def paragraphs(pool: str, n: int, seed: int) -> list[str]:
    from docprompt.chunking import Chunker, search_text
    from docprompt.config import BuildSettings
    from docprompt.indexers import make_indexer

    name, src, opts, _ = POOLS[pool]
    s = BuildSettings()
    chunker = Chunker(s.chunk_size, s.chunk_overlap)
    ix = make_indexer(name, [str(src)], opts, max_file_bytes=s.max_file_bytes)
    texts = [search_text(c.title, c.text) for d in ix.iter_documents() for c in chunker.chunks(d)]
    return random.Random(seed).sample(texts, min(n, len(texts)))


def exports() -> dict[str, Path]:
    from docprompt.embed import get_embedder
    from docprompt.store.build import _onnx_source

    emb = get_embedder("all-MiniLM-L6-v2")
    out = {}
    for p in ("fp32", "int8"):
        folder = _onnx_source(emb, None, p)
        assert folder is not None
        out[p] = folder
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=1000, help="paragraphs per pool")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch-sizes", default="64")
    ap.add_argument("--threads", type=int, default=0, help="onnxruntime intra-op threads [the default]")
    args = ap.parse_args()
    if not DATA.is_dir():
        print(f"no shared data at {DATA}")
        return 1
    from docprompt.embed.onnx import OnnxEmbedder

    samples = {pool: paragraphs(pool, args.sample, args.seed) for pool in POOLS}
    folders = exports()
    print(f"cores: {os.cpu_count()}; sample: {args.sample} paragraphs per pool (seed {args.seed})")
    print("| pool | export | batch | paragraphs/s (wall) | per CPU-second | 2 idle cores: pool minutes | "
          "cosine to fp32 (mean / min) | tokenizer share | load |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    reference: dict[str, np.ndarray] = {}
    for precision, folder in folders.items():
        emb = OnnxEmbedder(folder)
        if args.threads:
            import onnxruntime as ort

            opts = ort.SessionOptions()
            opts.intra_op_num_threads = args.threads
            emb.session = ort.InferenceSession(
                str(folder / "model.onnx"), opts, providers=["CPUExecutionProvider"]
            )
        emb.embed(samples["man"][:64])  # warm up
        for pool, texts in samples.items():
            for bs in (int(b) for b in args.batch_sizes.split(",")):
                t, c = time.perf_counter(), time.process_time()
                vec = emb.embed(texts, batch_size=bs)
                wall, cpu = time.perf_counter() - t, time.process_time() - c
                reference.setdefault(pool, vec)
                cos = (vec * reference[pool]).sum(axis=1)
                t = time.perf_counter()
                emb.tokenizer.encode_batch(texts)
                tok = time.perf_counter() - t
                per_cpu = len(texts) / cpu
                minutes = POOLS[pool][3] / (per_cpu * min(2, os.cpu_count() or 1)) / 60
                print(
                    f"| {pool} | {precision} | {bs} | {len(texts) / wall:.1f} | {per_cpu:.1f} | "
                    f"{minutes:.0f} | {cos.mean():.4f} / {cos.min():.4f} | {tok / wall:.1%} | "
                    f"{os.getloadavg()[0]:.2f} |",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())

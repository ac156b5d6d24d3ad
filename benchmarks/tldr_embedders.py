"""Command hit@k of tldr dev's candidate lists with another embedder as the dense side (BM25, the
fusion and the per-command ranking as shipped): docs/benchmarks.md, "Stop 43: a stronger
embedder for the candidate lists".

    python benchmarks/tldr_embedders.py POOL MODEL_DIR VECTORS.npy [tune|report]

POOL: the index `docprompt eval generate --manpages MAN_DEV --tldr-pages ...` builds for the runs
of benchmarks/answer_stage.sh ($DOCPROMPT_HOME/eval/pool-<hash>). MODEL_DIR: a
sentence-transformers model folder (its query/document prompts are used, as `docprompt index
build --embedder MODEL_DIR` uses them). VECTORS.npy: the pool's paragraphs embedded by that
model, written on the first run (EmbeddingGemma-300M: ~2 h for 32,570 paragraphs on 2 cores)
and read on later ones; only the requests are embedded then. Paragraphs are embedded up to 256
tokens (the pool's paragraphs are shorter; the cap keeps batches small).
"""

from __future__ import annotations

import collections
import sys
import time
from pathlib import Path

import faiss
import numpy as np

from docprompt.chunking import dense_text
from docprompt.embed.st import SentenceTransformerEmbedder
from docprompt.eval.datasets import load
from docprompt.eval.generate import split_of
from docprompt.retrieve import Retriever
from docprompt.store.index import Index

DEV = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "tldr" / "dev.jsonl"
KS = (1, 3, 5, 8, 10, 20)
SETTINGS = [("hybrid", None), ("hybrid", 0.3), ("hybrid", 0.7), ("dense", None)]


def paragraph_vectors(index: Index, emb: SentenceTransformerEmbedder, path: Path) -> np.ndarray:
    if path.exists():
        return np.load(path)
    n = index.count
    texts = [dense_text(c) for _, c in index.store.chunks()]
    emb.model.max_seq_length = min(256, emb.max_seq_length)
    started, done = time.perf_counter(), [0]

    def progress(batch: int) -> None:
        done[0] += batch
        if done[0] % 2048 < batch or done[0] == n:
            print(f"{done[0]}/{n} paragraphs, {time.perf_counter() - started:.0f} s", flush=True)

    vectors = emb.embed(texts, batch_size=32, progress=progress)
    np.save(path, vectors)
    return vectors


class FlatDense:
    """The pool's dense side, swapped for the other model's vectors (exact inner product)."""

    def __init__(self, vectors: np.ndarray):
        self.count = len(vectors)
        self.flat = faiss.IndexFlatIP(vectors.shape[1])
        self.flat.add(vectors.astype(np.float32))

    def search(self, q: np.ndarray, k: int, allowed=None):
        if allowed is not None:
            raise SystemExit("filtered searches are not part of this benchmark")
        scores, rows = self.flat.search(q.reshape(1, -1).astype(np.float32), k)
        return rows[0].astype(np.int64), scores[0]


def main(pool: str, model_dir: str, vectors: str, split: str = "tune") -> None:
    shape, rows = load(str(DEV))
    rows = [r for r in rows if split_of(r, shape) == split]
    index = Index(pool)
    emb = SentenceTransformerEmbedder(model_dir)
    index.__dict__["dense"] = FlatDense(paragraph_vectors(index, emb, Path(vectors)))
    index.embed_query = emb.embed_query  # type: ignore[method-assign]
    for mode, weight in SETTINGS:
        retriever = Retriever(index, mode=mode, sparse_weight=weight)
        found: collections.Counter = collections.Counter()
        for row in rows:
            first: dict[str, int] = {}
            for hit in retriever.retrieve(row.nl, k=60):
                name = hit.chunk.metadata.get("command")
                if name:
                    first.setdefault(name, len(first))
            rank = first.get(row.cmd_name, 10**6)
            for k in KS:
                found[k] += rank < k
        label = f"{mode} (sparse weight {weight})" if weight is not None else mode
        cells = " ".join(f"@{k}={100 * found[k] / len(rows):.1f}" for k in KS)
        print(f"{Path(model_dir).name} {split} {len(rows)} rows, {label}: {cells}", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])

"""Give docprompt's embedding cache a pool's paragraph vectors computed elsewhere (by
benchmarks/tldr_embedders.py), so that `docprompt eval generate --embedder MODEL_DIR` builds its
pool from them instead of embedding 32,570 paragraphs again (~2 h with EmbeddingGemma-300M on
2 cores): docs/benchmarks.md, "Stop 43: a stronger embedder for the candidate lists".

    python benchmarks/seed_vectors.py POOL MODEL_DIR VECTORS.npy [fp32|int8]

POOL: the MiniLM pool the vectors were made from (its paragraphs, in its order). The vectors are
keyed as a build keys them: the model's identity (its folder's files), the ONNX graph the build
will query with (exported here once, as a build would) and each paragraph's key in the pool. The
build then reads them like vectors of an earlier build; queries go through the real ONNX path.
"""

from __future__ import annotations

import sys

import numpy as np

from docprompt.chunking import dense_text
from docprompt.config import BuildSettings
from docprompt.embed import get_embedder
from docprompt.embed.onnx import OnnxEmbedder
from docprompt.store import embcache
from docprompt.store.build import _onnx_source, doc_identity
from docprompt.store.index import Index
from docprompt.store.vectors import _cache_identity


def main(pool: str, model_dir: str, vectors_file: str, precision: str = "fp32") -> None:
    index = Index(pool)
    n = index.count
    vectors = np.load(vectors_file)
    if len(vectors) != n:
        raise SystemExit(f"{vectors_file}: {len(vectors)} vectors, the pool has {n} paragraphs")
    keys = [k for (k,) in index.store.values("vec_key")]  # the keys its build gave, in row order
    embedder = get_embedder(model_dir)
    identity = doc_identity(embedder.name, getattr(embedder, "fingerprint", None))
    onnx_dir = _onnx_source(embedder, None, precision)
    assert onnx_dir is not None
    onnx = OnnxEmbedder(onnx_dir, name=embedder.name)
    if onnx.dim != vectors.shape[1]:
        raise SystemExit(f"the model gives {onnx.dim}-d vectors, {vectors_file} holds {vectors.shape[1]}-d")
    with embcache.opened(_cache_identity(identity, onnx, onnx_dir), onnx.dim) as cache:
        if cache is None:
            raise SystemExit("the embedding cache is off (DOCPROMPT_EMBED_CACHE_MB=0)")
        unique = dict(zip(keys, vectors.astype(np.float32)))
        cache.put_many(list(unique), np.stack(list(unique.values())))
        # How close the vectors are to the ONNX path's own, on a few paragraphs:
        rows = list(range(0, n, max(1, n // 50)))
        sample = [dense_text(c, BuildSettings().entry_text) for c in index.store.get(rows)]
        own = onnx.embed(sample)
        mine = vectors[rows]
        print(f"{len(unique)} vectors seeded for {identity}; cosine to the ONNX path's own on "
              f"{len(sample)} paragraphs: min {float(np.min(np.sum(own * mine, axis=1))):.5f}")  # fmt: skip


if __name__ == "__main__":
    main(*sys.argv[1:])

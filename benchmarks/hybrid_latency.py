"""Hybrid query latency on a synthetic 100k-chunk index: docprompt vs LangChain.

Both systems get the same chunks, the same queries and the same precomputed vectors
(the embedding model is not what is measured here), fetch 10 x k candidates per side
and fuse with weighted RRF (c = 60, equal weights). Recall@k is measured against an
exact reference: full BM25 scores and brute-force inner products, RRF of the top 10 x k.

    pip install -e '.[bench]'
    python benchmarks/hybrid_latency.py [--chunks 100000] [--queries 200] [--k 5]

LangChain side: EnsembleRetriever(BM25Retriever (rank-bm25) + FAISS vector store), with
BM25Retriever given docprompt's tokenizer so both rank with the same tokens.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from docprompt.chunking import search_text
from docprompt.codetokens import tokenize
from docprompt.config import BuildSettings
from docprompt.models import Document
from docprompt.retrieve import Retriever, rrf
from docprompt.store.build import build_index
from docprompt.store.index import Index
from docprompt.store.sparse import RankBM25, top_n

DIM = 384
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "tldr" / "pages"


def vocabulary(rng: np.random.Generator) -> list[str]:
    """Real words (from the tldr pages when present) plus identifiers and flags."""
    words: set[str] = set()
    if SHARED.is_dir():
        for page in sorted(SHARED.rglob("*.md"))[:1500]:
            words.update(w.strip(".,:;()`'\"{}[]<>").lower() for w in page.read_text().split())
    words = {w for w in words if w.isascii() and 1 < len(w) < 20}
    if len(words) < 2000:
        words |= {f"word{i}" for i in range(5000)}
    words |= {f"{a}_{b}" for a, b in zip(rng.choice(sorted(words), 2000), rng.choice(sorted(words), 2000))}
    words |= {f"--opt{i}" for i in range(300)} | {f"-{chr(97 + i)}" for i in range(26)}
    return sorted(words)


def synthetic(n_chunks: int, n_queries: int, seed: int):
    rng = np.random.default_rng(seed)
    vocab = vocabulary(rng)
    zipf = 1.0 / np.arange(1, len(vocab) + 1) ** 1.05
    zipf /= zipf.sum()
    order = rng.permutation(len(vocab))
    lengths = rng.integers(30, 120, n_chunks)
    texts = [" ".join(vocab[order[i]] for i in rng.choice(len(vocab), n, p=zipf)) for n in lengths]
    vectors = rng.standard_normal((n_chunks, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    targets = rng.choice(n_chunks, n_queries, replace=False)
    queries, qvecs = [], []
    for t in targets:
        words = texts[t].split()
        queries.append(" ".join(rng.choice(words, min(len(words), int(rng.integers(3, 7))), replace=False)))
        v = vectors[t] + 0.08 * rng.standard_normal(DIM).astype(np.float32)
        qvecs.append(v / np.linalg.norm(v))
    return texts, vectors, queries, np.stack(qvecs)


class Lookup:
    """An embedder that returns precomputed vectors for known texts."""

    name, backend = "lookup", "lookup"

    def __init__(self, table: dict[str, np.ndarray]):
        self.table = table

    @property
    def dim(self) -> int:
        return DIM

    def embed(self, texts, *, batch_size=64, progress=None):
        return np.stack([self.table[t] for t in texts])


def percentile(xs: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(xs) * 1000, q))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    k, fetch = args.k, 10 * args.k

    t = time.perf_counter()
    texts, vectors, queries, qvecs = synthetic(args.chunks, args.queries, args.seed)
    print(f"synthetic corpus: {len(texts)} chunks, {len(queries)} queries ({time.perf_counter() - t:.1f}s)")
    ids = [f"c{i}" for i in range(len(texts))]
    # docprompt embeds search_text(title, text); LangChain embeds the raw text.
    table = dict(zip(texts, vectors)) | {search_text("", x): v for x, v in zip(texts, vectors)}
    table |= dict(zip(queries, qvecs))
    embedder = Lookup(table)

    # docprompt
    tmp = Path(tempfile.mkdtemp(prefix="dp-bench-"))
    os.environ["DOCPROMPT_HOME"] = str(tmp)
    t = time.perf_counter()
    docs = (Document(id=i, text=x) for i, x in zip(ids, texts))
    build_index(tmp / "bench", docs, embedder=embedder, settings=BuildSettings(chunk_size=5000))
    dp_build = time.perf_counter() - t
    index = Index(tmp / "bench")
    index.__dict__["query_embedder"] = embedder
    retriever = Retriever(index)
    row_of_id = {f"{c}#0": r for r, c in enumerate(ids)} | {c: r for r, c in enumerate(ids)}

    # LangChain
    warnings.filterwarnings("ignore")
    from langchain_classic.retrievers import EnsembleRetriever
    from langchain_community.retrievers import BM25Retriever
    from langchain_community.vectorstores import FAISS
    from langchain_core.embeddings import Embeddings

    class LCLookup(Embeddings):
        def embed_query(self, text):
            return table[text].tolist()

        def embed_documents(self, texts):
            return [table[t].tolist() for t in texts]

    t = time.perf_counter()
    metas = [{"id": i} for i in ids]
    bm25 = BM25Retriever.from_texts(texts, metadatas=metas, preprocess_func=tokenize, k=fetch)
    faiss_store = FAISS.from_embeddings(
        list(zip(texts, (v.tolist() for v in vectors))), LCLookup(), metadatas=metas
    )
    ensemble = EnsembleRetriever(
        retrievers=[bm25, faiss_store.as_retriever(search_kwargs={"k": fetch})],
        weights=[0.5, 0.5],
        c=60,
        id_key="id",
    )
    lc_build = time.perf_counter() - t

    # Exact references: every score computed, nothing approximated. docprompt's BM25 uses
    # Lucene's idf, LangChain's (rank-bm25 BM25Okapi) floors negative idf; each system is
    # also scored against the exact hybrid of its own BM25 variant.
    corpus_tokens = [tokenize(x) for x in texts]
    lucene = RankBM25(corpus_tokens, 1.5, 0.75)
    okapi = bm25.vectorizer

    def exact(bm25_scores) -> list[set[int]]:
        out = []
        for q, qv in zip(queries, qvecs):
            s_rows = top_n(np.asarray(bm25_scores(tokenize(q)), dtype=np.float32), fetch)[0]
            d_rows = np.argsort(-(vectors @ qv), kind="stable")[:fetch]
            fused = rrf([(s_rows, 0.5), (d_rows, 0.5)], 60)
            out.append({r for r, _ in sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]})
        return out

    ref_lucene, ref_okapi = exact(lucene.scores), exact(okapi.get_scores)

    def run(search) -> tuple[list[float], float, float]:
        for q in queries[:5]:
            search(q)  # warm-up
        times, rec_lucene, rec_okapi = [], [], []
        for q, a, b in zip(queries, ref_lucene, ref_okapi):
            t = time.perf_counter()
            rows = set(search(q)[:k])
            times.append(time.perf_counter() - t)
            rec_lucene.append(len(rows & a) / k)
            rec_okapi.append(len(rows & b) / k)
        return times, statistics.mean(rec_lucene), statistics.mean(rec_okapi)

    dp_times, dp_rl, dp_ro = run(lambda q: [row_of_id[h.chunk.id] for h in retriever.retrieve(q, k=k)])
    lc_times, lc_rl, lc_ro = run(lambda q: [row_of_id[d.metadata["id"]] for d in ensemble.invoke(q)[:k]])

    print(f"\nbuild: docprompt {dp_build:.1f}s, langchain {lc_build:.1f}s (vectors precomputed for both)")
    print(f"recall@{k} against the exact hybrid with Lucene-idf BM25 / with BM25Okapi")
    print(f"{'system':<38}{'p50 ms':>9}{'p95 ms':>9}{'R lucene':>10}{'R okapi':>9}")
    for name, times, rl, ro in (
        ("docprompt (bm25s + faiss flat)", dp_times, dp_rl, dp_ro),
        ("langchain Ensemble (rank-bm25 + FAISS)", lc_times, lc_rl, lc_ro),
    ):
        print(f"{name:<38}{percentile(times, 50):>9.2f}{percentile(times, 95):>9.2f}{rl:>10.3f}{ro:>9.3f}")
    print(
        f"speed-up: p50 {percentile(lc_times, 50) / percentile(dp_times, 50):.1f}x, "
        f"p95 {percentile(lc_times, 95) / percentile(dp_times, 95):.1f}x"
    )


if __name__ == "__main__":
    main()

"""The local store against Milvus (Lite, or a server) on synthetic indexes of 100k and 1M chunks.

Both stores get the same chunks and the same precomputed vectors (embedding is not measured;
see hybrid_latency.py for the corpus) and answer the same queries through the same
Retriever: hybrid search, 10 x k candidates per side, RRF (c = 60, equal weights). Reported per
size: build time (chunking, writing; for Milvus also the first query, when Milvus Lite builds
its per-segment BM25 postings), p50/p95 latency of a whole retrieve() call, and recall@k
against the exact hybrid: every document's BM25 (bm25s scores all of them; they match
rank-bm25's, tests/test_real_data.py) and brute-force inner products, RRF of each side's top
10 x k; a hit whose exact fused score ties with the k-th counts (each store breaks ties its
own way: the local one by row, Milvus by its keys).

    pip install -e '.[milvus]'
    nice -n 10 python benchmarks/milvus_scale.py --chunks 100000 1000000 [--queries 200] [--uri URI]

Without --uri a ``milvus-lite server`` is started on 127.0.0.1 with its data in a temporary
folder (a separate process, as a server would be); --uri http://host:19530 measures a server.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hybrid_latency import Lookup, percentile, synthetic  # noqa: E402

from docprompt.chunking import search_text  # noqa: E402
from docprompt.codetokens import tokenize  # noqa: E402
from docprompt.config import BuildSettings  # noqa: E402
from docprompt.models import Document  # noqa: E402
from docprompt.retrieve import Retriever, rrf  # noqa: E402
from docprompt.store.build import build_index  # noqa: E402
from docprompt.store.index import open_path  # noqa: E402
from docprompt.store.sparse import top_n  # noqa: E402


def lite_server(data: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data), "--host", "127.0.0.1"]
    proc = subprocess.Popen([*cmd, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(1200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    raise SystemExit("milvus-lite server did not start")


def exact_hybrid(local, queries, qvecs, vectors, k: int, fetch: int) -> list[set[int]]:
    out = []
    for q, qv in zip(queries, qvecs):
        s_rows = top_n(local.sparse.scores(tokenize(q)), fetch)[0]
        d_rows = np.argsort(-(vectors @ qv), kind="stable")[:fetch]
        fused = rrf([(s_rows, 0.5), (d_rows, 0.5)], 60)
        ranked = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))
        kth = ranked[min(k, len(ranked)) - 1][1] if ranked else 0.0
        # RRF scores tie often (rank r on one side only); stores break ties their own way, so
        # every hit tied with the k-th counts as a right answer.
        out.append({r for r, score in ranked if score >= kth - 1e-12})
    return out


def measure(search, queries, reference, k: int) -> tuple[list[float], float]:
    for q in queries[:5]:
        search(q)  # warm-up
    times, recall = [], []
    for q, want in zip(queries, reference):
        t = time.perf_counter()
        rows = search(q)[:k]
        times.append(time.perf_counter() - t)
        recall.append(min(k, len(set(rows) & want)) / k)
    return times, float(np.mean(recall))


def run_size(n: int, args, uri: str, tmp: Path) -> list[tuple]:
    k, fetch = args.k, 10 * args.k
    t = time.perf_counter()
    texts, vectors, queries, qvecs = synthetic(n, args.queries, args.seed)
    took = time.perf_counter() - t
    print(f"\n{n} chunks: synthetic corpus and {len(queries)} queries in {took:.0f}s", flush=True)
    table = dict(zip(texts, vectors)) | {search_text("", x): v for x, v in zip(texts, vectors)}
    embedder = Lookup(table | dict(zip(queries, qvecs)))  # what docprompt embeds: search_text()
    row_of = {f"c{i}#0": i for i in range(n)}

    def docs():
        return (Document(id=f"c{i}", text=x) for i, x in enumerate(texts))

    base = {"chunk_size": 5000, "embedder": "lookup"}
    if args.hnsw_threshold:
        base["hnsw_threshold"] = args.hnsw_threshold
    builds, indexes = {}, {}
    for store in ("local", *(("milvus",) if "milvus" in args.stores else ())):
        extra = {"store": "milvus", "uri": uri, "collection": f"bench_{n}"} if store == "milvus" else {}
        t = time.perf_counter()
        settings = BuildSettings(**base, **extra)
        m = build_index(tmp / f"{store}-{n}", docs(), embedder=embedder, settings=settings)
        builds[store] = time.perf_counter() - t
        index = open_path(tmp / f"{store}-{n}")
        index.__dict__["query_embedder"] = embedder
        indexes[store] = (index, m.dense_index)
        if store == "milvus":
            t = time.perf_counter()
            Retriever(index).retrieve(queries[0], k=k)
            builds["first"] = time.perf_counter() - t
        print(f"  {store} build {builds[store]:.0f}s ({m.dense_index})", flush=True)
        gc.collect()

    local, kind = indexes["local"]
    t = time.perf_counter()
    reference = exact_hybrid(local, queries, qvecs, vectors, k, fetch)
    print(f"  exact hybrid reference in {time.perf_counter() - t:.0f}s", flush=True)
    systems = [(f"local (bm25s + faiss {kind})", Retriever(local), builds["local"])]
    if "milvus" in indexes:
        milvus, mkind = indexes["milvus"]
        client_side = Retriever(milvus)
        client_side.index = _NoServerFusion(milvus)
        systems += [
            (f"Milvus Lite ({mkind}), RRF on the server", Retriever(milvus), builds["milvus"]),
            (f"Milvus Lite ({mkind}), RRF by the retriever", client_side, None),
        ]
    rows = []
    for name, retriever, build_s in systems:
        times, recall = measure(
            lambda q, r=retriever: [row_of[h.chunk.id] for h in r.retrieve(q, k=k)], queries, reference, k
        )
        rows.append((n, name, build_s, percentile(times, 50), percentile(times, 95), recall))
        p50, p95 = rows[-1][3:5]
        print(f"  {name}: p50 {p50:.0f} ms, p95 {p95:.0f} ms, recall@{k} {recall:.3f}", flush=True)
    if "first" in builds:
        rows.append((n, "  (Milvus first query, lazy BM25 postings)", builds["first"], None, None, None))
    for index, _ in indexes.values():
        index.close()
    return rows


class _NoServerFusion:
    """The Milvus index with its server-side fusion hidden: the retriever fuses the sides."""

    hybrid = None

    def __init__(self, index):
        self._index = index

    def __getattr__(self, name):
        return getattr(self._index, name)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chunks", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--uri", help="a Milvus server (default: a milvus-lite server started here)")
    ap.add_argument("--hnsw-threshold", type=int, help="HNSW from this many chunks on, both stores [200000]")
    ap.add_argument("--stores", default="local,milvus", help="which stores to build and query [local,milvus]")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="dp-milvus-bench-"))
    os.environ["DOCPROMPT_HOME"] = str(tmp)
    proc = None
    uri = args.uri
    if uri is None and "milvus" in args.stores:
        proc, uri = lite_server(tmp / "lite")
    try:
        rows = [row for n in args.chunks for row in run_size(n, args, uri, tmp)]
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nuptime: {os.getloadavg()[0]:.1f} load (1 min) on {os.cpu_count()} cores")
    recall_k = f"recall@{args.k}"
    print(f"{'chunks':>8}  {'system':<44}{'build s':>9}{'p50 ms':>9}{'p95 ms':>9}{recall_k:>10}")
    for n, name, build_s, p50, p95, recall in rows:
        cells = [f"{build_s:9.0f}" if build_s is not None else f"{'':>9}"]
        cells += [f"{x:9.0f}" if x is not None else f"{'':>9}" for x in (p50, p95)]
        cells.append(f"{recall:10.3f}" if recall is not None else "")
        print(f"{n:>8}  {name:<44}" + "".join(cells))


if __name__ == "__main__":
    main()

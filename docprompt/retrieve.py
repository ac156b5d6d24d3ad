"""Hybrid retrieval: sparse BM25 and dense vectors, each fetching ~10x k, then fused.

Fusion is weighted reciprocal rank fusion by default (LangChain's EnsembleRetriever
formula: score = sum_i w_i / (rank_i + c), ranks from 1, c = 60), or min-max normalised
convex combination. Every Hit keeps each side's rank and score.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np

from .errors import BadInput, BadQuery
from .models import Hit
from .textproc import tokenize

Mode = Literal["hybrid", "sparse", "dense"]
Fusion = Literal["rrf", "convex"]

MAX_QUERY_CHARS = 10_000


def check_query(query: str) -> str:
    if not isinstance(query, str) or not query.strip():
        raise BadQuery('the query is empty: say what you are looking for, e.g. "extract a tar.gz"')
    if len(query) > MAX_QUERY_CHARS:
        raise BadQuery(f"the query is {len(query)} characters long; keep it under {MAX_QUERY_CHARS}")
    return query.strip()


def rrf(ranked: list[tuple[np.ndarray, float]], c: int = 60) -> dict[int, float]:
    """Weighted reciprocal rank fusion of ranked row lists, each with its weight."""
    fused: dict[int, float] = {}
    for rows, weight in ranked:
        for rank, row in enumerate(rows.tolist(), start=1):
            fused[row] = fused.get(row, 0.0) + weight / (rank + c)
    return fused


def convex(scored: list[tuple[np.ndarray, np.ndarray, float]]) -> dict[int, float]:
    """Min-max normalise each side's scores, then add them with their weights."""
    fused: dict[int, float] = {}
    for rows, scores, weight in scored:
        if len(rows) == 0:
            continue
        lo, hi = float(scores.min()), float(scores.max())
        norm = (scores - lo) / (hi - lo) if hi > lo else np.ones_like(scores)
        for row, s in zip(rows.tolist(), norm.tolist()):
            fused[row] = fused.get(row, 0.0) + weight * s
    return fused


class Retriever:
    def __init__(
        self,
        index,
        *,
        mode: Mode = "hybrid",
        fusion: Fusion = "rrf",
        sparse_weight: float = 0.5,
        rrf_c: int = 60,
        fetch_factor: int = 10,
    ):
        if mode not in ("hybrid", "sparse", "dense"):
            raise BadInput(f"unknown mode {mode!r}: use hybrid, sparse or dense")
        if fusion not in ("rrf", "convex"):
            raise BadInput(f"unknown fusion {fusion!r}: use rrf or convex")
        if not 0 <= sparse_weight <= 1:
            raise BadInput(f"sparse_weight must be between 0 and 1, not {sparse_weight}")
        self.index = index
        self.mode = mode
        self.fusion = fusion
        self.sparse_weight = sparse_weight
        self.rrf_c = rrf_c
        self.fetch_factor = fetch_factor

    def sparse_side(self, query: str, n: int, allowed: np.ndarray | None):
        from .store.sparse import top_n

        return top_n(self.index.sparse.scores(tokenize(query)), n, allowed)

    def dense_side(self, query: str, n: int, allowed: np.ndarray | None):
        return self.index.dense.search(self.index.embed_query(query), n, allowed)

    def retrieve(self, query: str, k: int = 5, filters: Mapping[str, Any] | None = None) -> list[Hit]:
        query = check_query(query)
        if k < 1:
            raise BadInput(f"k must be at least 1, not {k}")
        allowed = self.index.store.rows_matching(filters) if filters else None
        if allowed is not None and len(allowed) == 0:
            return []
        n = max(k * self.fetch_factor, k)
        empty = (np.empty(0, np.int64), np.empty(0, np.float32))
        s_rows, s_scores = self.sparse_side(query, n, allowed) if self.mode != "dense" else empty
        d_rows, d_scores = self.dense_side(query, n, allowed) if self.mode != "sparse" else empty

        if self.mode == "sparse":
            fused = dict(zip(s_rows.tolist(), s_scores.tolist()))
        elif self.mode == "dense":
            fused = dict(zip(d_rows.tolist(), d_scores.tolist()))
        elif self.fusion == "rrf":
            fused = rrf([(s_rows, self.sparse_weight), (d_rows, 1 - self.sparse_weight)], self.rrf_c)
        else:
            fused = convex(
                [(s_rows, s_scores, self.sparse_weight), (d_rows, d_scores, 1 - self.sparse_weight)]
            )
        best = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        s_info = {r: (i + 1, float(s)) for i, (r, s) in enumerate(zip(s_rows.tolist(), s_scores.tolist()))}
        d_info = {r: (i + 1, float(s)) for i, (r, s) in enumerate(zip(d_rows.tolist(), d_scores.tolist()))}
        rows = [r for r, _ in best]
        hits = []
        for chunk, (row, score) in zip(self.index.store.get(rows), best):
            sr, ss = s_info.get(row, (None, None))
            dr, ds = d_info.get(row, (None, None))
            hits.append(
                Hit(chunk=chunk, score=score, sparse_rank=sr, sparse_score=ss, dense_rank=dr, dense_score=ds)
            )
        return hits

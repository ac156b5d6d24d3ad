"""Hybrid retrieval: sparse BM25 and dense vectors, each fetching ~10x k, then fused.

Fusion is weighted reciprocal rank fusion by default (LangChain's EnsembleRetriever
formula: score = sum_i w_i / (rank_i + c), ranks from 1, c = 60), or min-max normalised
convex combination. Every Hit keeps each side's rank and score.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .codetokens import tokenize
from .errors import BadInput, BadQuery
from .kinds import Fusion, Mode, choices
from .models import Hit

MODES = tuple(choices(Mode))

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


Side = tuple[np.ndarray, np.ndarray]  # rows, scores (best first)


def _ranks(side: Side) -> dict[int, tuple[int, float]]:
    rows, scores = side
    return {r: (i + 1, float(x)) for i, (r, x) in enumerate(zip(rows.tolist(), scores.tolist()))}


class Retriever:
    """Sparse, dense, hybrid or two-stage retrieval over an :class:`~docprompt.store.index.Index`.

    ``two-stage`` follows DocPrompting: first find the right pages (a man page, an API page)
    from whole-page representations, then the right paragraphs inside them. A chunk's final
    score fuses its page's rank with its own rank among the chunks of the chosen pages.
    """

    def __init__(
        self,
        index,
        *,
        mode: Mode | None = None,
        fusion: Fusion | None = None,
        sparse_weight: float | None = None,
        rrf_c: int | None = None,
        fetch_factor: int | None = None,
        pages: int | None = None,
        page_weight: float | None = None,
    ):
        # What is not given comes from the environment, the settings file, the index's tuned
        # defaults (`eval retrieval --tune`), else the built-in ones (docprompt.config.resolve).
        from .config import resolve

        if mode is not None and mode not in MODES:
            raise BadInput(f"unknown mode {mode!r}: use {', '.join(MODES)}")
        if fusion is not None and fusion not in ("rrf", "convex"):
            raise BadInput(f"unknown fusion {fusion!r}: use rrf or convex")
        for label, w in (("sparse_weight", sparse_weight), ("page_weight", page_weight)):
            if w is not None and not 0 <= w <= 1:
                raise BadInput(f"{label} must be between 0 and 1, not {w}")
        if pages is not None and pages < 1:
            raise BadInput(f"pages must be at least 1, not {pages}")
        given = dict(mode=mode, fusion=fusion, sparse_weight=sparse_weight, rrf_c=rrf_c,
                     fetch_factor=fetch_factor, pages=pages, page_weight=page_weight)  # fmt: skip
        tuned = getattr(getattr(index, "manifest", None), "search", None) or {}
        conf = resolve("search", given, tuned)
        self.index = index
        self.mode = conf.mode
        self.fusion = conf.fusion
        self.sparse_weight = conf.sparse_weight
        self.rrf_c = conf.rrf_c
        self.fetch_factor = conf.fetch_factor
        self.pages = conf.pages
        self.page_weight = conf.page_weight
        self.k = conf.k

    def _fuse(self, sparse: Side, dense: Side, mode: str) -> dict[int, float]:
        if mode == "sparse":
            return dict(zip(sparse[0].tolist(), sparse[1].tolist()))
        if mode == "dense":
            return dict(zip(dense[0].tolist(), dense[1].tolist()))
        w = self.sparse_weight
        if self.fusion == "rrf":
            return rrf([(sparse[0], w), (dense[0], 1 - w)], self.rrf_c)
        return convex([(sparse[0], sparse[1], w), (dense[0], dense[1], 1 - w)])

    def _search(self, level: str, tokens, qvec, n, allowed, mode):
        """Search chunks or pages; the index loads only the parts the mode uses."""
        s, d = self.index.sides(tokens, qvec, n, allowed, mode, level)
        return self._fuse(s, d, mode), s, d

    def retrieve(
        self, query: str, k: int | None = None, filters: Mapping[str, Any] | None = None
    ) -> list[Hit]:
        query = check_query(query)
        k = self.k if k is None else k
        if k < 1:
            raise BadInput(f"k must be at least 1, not {k}")
        index = self.index
        if self.mode == "two-stage" and not getattr(index, "pages_supported", False):
            raise BadInput(f"index {index.name!r} has no two-stage search: use hybrid, sparse or dense")
        allowed = index.allowed(filters)
        if allowed is not None and len(allowed) == 0:
            return []
        n = max(k * self.fetch_factor, k)
        tokens = tokenize(query) if self.mode != "dense" else []
        qvec = index.embed_query(query) if self.mode != "sparse" else None
        chunk_mode = "hybrid" if self.mode == "two-stage" else self.mode

        page_rank: dict[int, int] = {}
        if self.mode == "two-stage":
            page_allowed = None if allowed is None else np.unique(index.page_of_chunk[allowed])
            fused_pages, _, _ = self._search("pages", tokens, qvec, self.pages * 4, page_allowed, "hybrid")
            top_pages = sorted(fused_pages.items(), key=lambda kv: (-kv[1], kv[0]))[: self.pages]
            page_rank = {p: i + 1 for i, (p, _) in enumerate(top_pages)}
            in_pages = index.rows_of_pages(list(page_rank))
            allowed = in_pages if allowed is None else np.intersect1d(allowed, in_pages)

        server = getattr(index, "hybrid", None) if self.mode == "hybrid" else None
        fused = None  # a store that fuses on its server (Milvus) gives the fused top k, not the sides
        if server is not None:
            fused = server(tokens, qvec, n, k, allowed, self.fusion, self.sparse_weight, self.rrf_c)
            s = d = (np.empty(0, np.int64), np.empty(0, np.float32))
        if fused is None:
            fused, s, d = self._search("chunks", tokens, qvec, n, allowed, chunk_mode)
        if page_rank:
            order = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))
            c, w = self.rrf_c, self.page_weight
            page_of = index.page_of_chunk
            fused = {
                row: w / (c + page_rank[int(page_of[row])]) + (1 - w) / (c + rank)
                for rank, (row, _) in enumerate(order, start=1)
            }
        best = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        s_info, d_info = _ranks(s), _ranks(d)
        hits = []
        for chunk, (row, score) in zip(index.store.get([r for r, _ in best]), best):
            sr, ss = s_info.get(row, (None, None))
            dr, ds = d_info.get(row, (None, None))
            hits.append(
                Hit(chunk=chunk, score=score, sparse_rank=sr, sparse_score=ss, dense_rank=dr, dense_score=ds)
            )
        return hits


def search(
    index, query: str, k: int | None = None, *, filters: Mapping[str, Any] | None = None, **options: Any
):
    """The ``k`` best hits for ``query`` in ``index`` (an :class:`~docprompt.store.index.Index` or
    an index name); options as :class:`Retriever` takes them (mode, fusion, sparse_weight, ...)::

        search("tldr", "extract a gzipped archive", k=3, mode="hybrid")
    """
    if isinstance(index, str):
        from .store.registry import open_index

        index = open_index(index)
    return Retriever(index, **options).retrieve(query, k=k, filters=filters)

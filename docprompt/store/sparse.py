"""Sparse BM25 retrieval: bm25s (fast, default) and rank-bm25 (the reference backend).

Both score with BM25 using Lucene's idf, log(1 + (N - df + 0.5) / (df + 0.5)). bm25s drops
the constant (k1 + 1) factor of the term-frequency part, so its scores are rank-bm25's
divided by (k1 + 1): the ranking is the same.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

os.environ.setdefault("DISABLE_TQDM", "1")


def build_bm25s(corpus_tokens: list[list[str]], k1: float, b: float, out_dir: Path) -> None:
    import bm25s

    model = bm25s.BM25(k1=k1, b=b, method="lucene")
    model.index(corpus_tokens, show_progress=False)
    model.save(str(out_dir), show_progress=False)


def top_n(scores: np.ndarray, n: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Rows and scores of the n best positive scores, best first (ties by row)."""
    if allowed is not None:
        masked = np.full_like(scores, -np.inf)
        masked[allowed] = scores[allowed]
        scores = masked
    n = min(n, scores.shape[0])
    if n <= 0:
        return np.empty(0, np.int64), np.empty(0, np.float32)
    idx = np.argpartition(-scores, n - 1)[:n]
    idx = idx[np.lexsort((idx, -scores[idx]))]
    keep = scores[idx] > 0
    return idx[keep].astype(np.int64), scores[idx][keep].astype(np.float32)


class BM25S:
    name = "bm25s"

    def __init__(self, folder: Path):
        import bm25s

        self.model = bm25s.BM25.load(str(folder), mmap=True, show_progress=False)

    @property
    def count(self) -> int:
        """How many documents the BM25 index holds."""
        return int(self.model.scores["num_docs"])

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        ids = self.model.get_tokens_ids(list(tokens))
        if not ids:
            return np.zeros(self.count, dtype=np.float32)
        return self.model.get_scores_from_ids(ids)


class RankBM25:
    """rank-bm25 with Lucene's idf: the slow, obviously-correct reference."""

    name = "rank-bm25"

    def __init__(self, corpus_tokens: list[list[str]], k1: float, b: float):
        try:
            from rank_bm25 import BM25Okapi
        except ImportError:
            from ..errors import BadInput

            raise BadInput("the reference BM25 needs rank-bm25: pip install 'docprompt[dev]'") from None

        class LuceneIdf(BM25Okapi):
            def _calc_idf(self, nd):
                self.idf = {w: math.log(1 + (self.corpus_size - f + 0.5) / (f + 0.5)) for w, f in nd.items()}

        self.model = LuceneIdf(corpus_tokens, k1=k1, b=b)

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        return np.asarray(self.model.get_scores(list(tokens)), dtype=np.float32)

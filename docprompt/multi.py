"""Several indexes answering as one: ``DocPrompt.load(["man", "acme"])``.

Each index keeps its own embedder and retrieval settings: a request is retrieved from each
(with its own :class:`~docprompt.retrieve.Retriever`), and the lists are fused by reciprocal
rank fusion (score = sum 1 / (rank + 60)), so indexes whose scores are not comparable (other
embedders, other BM25 vocabularies) are fused fairly. Verification looks things up in all of
them: :class:`MultiStore` answers the chunk store's queries (``chunks``, ``under``,
``values``, ``has``, ``get``) from the union. Rows are encoded as ``row * n + i`` (index ``i``
of ``n``), so a row from one query can be fetched again with ``get``. Every hit's chunk says
which index it came from in ``metadata["index"]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .models import Hit

RRF_C = 60


class MultiStore:
    """The chunk stores of several indexes, queried as one (rows encoded, see the module)."""

    def __init__(self, stores: Sequence[Any]) -> None:
        self.stores = list(stores)

    def _row(self, i: int, row: int) -> int:
        return row * len(self.stores) + i

    def chunks(self, **where: Any) -> list[tuple[int, Any]]:
        return [(self._row(i, r), c) for i, s in enumerate(self.stores) for r, c in s.chunks(**where)]

    def under(self, column: str, prefix: str, **where: Any) -> list[tuple[int, Any]]:
        return [
            (self._row(i, r), c)
            for i, s in enumerate(self.stores)
            for r, c in s.under(column, prefix, **where)
        ]

    def values(self, *columns: str, **where: Any) -> list[tuple]:
        out: list[tuple] = []
        at = columns.index("row") if "row" in columns else -1
        for i, s in enumerate(self.stores):
            for v in s.values(*columns, **where):
                out.append(v if at < 0 else (*v[:at], self._row(i, v[at]), *v[at + 1 :]))
        return out

    def has(self, **where: Any) -> bool:
        return any(s.has(**where) for s in self.stores)

    def get(self, rows: list[int]) -> list[Any]:
        n = len(self.stores)
        found: dict[int, Any] = {}
        for i, s in enumerate(self.stores):
            mine = [r for r in rows if r % n == i]
            found.update(zip(mine, s.get([r // n for r in mine])))
        return [found[r] for r in rows if r in found]


def index_names(text: str) -> list[str]:
    """``man,acme`` → ``["man", "acme"]``: how the command line, dp and the magic name several
    indexes; each once."""
    from .errors import BadInput

    names = list(dict.fromkeys(n for n in (p.strip() for p in text.split(",")) if n))
    if not names:
        raise BadInput(f"no index name in {text!r}: name one, or several as NAME,NAME")
    return names


def open_indexes(text: str):
    """The index named by ``text``, or a :class:`MultiIndex` of those ``man,acme`` names."""
    from .store.registry import open_index

    names = index_names(text)
    return open_index(names[0]) if len(names) == 1 else MultiIndex([open_index(n) for n in names])


class MultiIndex:
    """Several opened indexes: what the answer stage and the verifiers ask of an index. The
    first index's manifest stands for them where one manifest is asked for (its language)."""

    def __init__(self, indexes: Sequence[Any]) -> None:
        self.indexes = list(indexes)
        self.name = "+".join(ix.name for ix in self.indexes)
        self.store = MultiStore([ix.store for ix in self.indexes])

    @property
    def manifest(self):
        return self.indexes[0].manifest

    @property
    def path(self):
        return self.indexes[0].path

    @property
    def chunks(self) -> int:
        return sum(ix.manifest.counts.get("chunks", 0) for ix in self.indexes)

    def close(self) -> None:
        for ix in self.indexes:
            ix.close()


class MultiRetriever:
    """One retriever per index; their hits fused by reciprocal rank."""

    def __init__(self, retrievers: Sequence[Any], names: Sequence[str]) -> None:
        self.retrievers, self.names = list(retrievers), list(names)
        self.k = self.retrievers[0].k

    def retrieve(
        self, query: str, k: int | None = None, filters: Mapping[str, Any] | None = None
    ) -> list[Hit]:
        k = self.k if k is None else k
        fused: dict[tuple[str, str], tuple[float, Hit]] = {}
        for name, r in zip(self.names, self.retrievers):
            for rank, hit in enumerate(r.retrieve(query, k=k, filters=filters), start=1):
                key = (name, hit.chunk.id)
                score = fused.get(key, (0.0, hit))[0] + 1.0 / (rank + RRF_C)
                fused[key] = (score, hit)
        # Equal fused scores (each index's first hit, ...) are ordered by the hit's own score.
        best = sorted(fused.items(), key=lambda kv: (-kv[1][0], -kv[1][1].score))[:k]
        out = []
        for (name, _), (score, hit) in best:
            chunk = hit.chunk.model_copy(update={"metadata": {**hit.chunk.metadata, "index": name}})
            out.append(hit.model_copy(update={"chunk": chunk, "score": score}))
        return out

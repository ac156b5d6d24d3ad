"""An index whose chunks live in a Milvus collection (a server, or a Milvus Lite file).

``indexes/NAME`` still holds the manifest (``store: "milvus"``, the URI, the collection, the
embedder) and the query embedder's ONNX export, so opening an index by name works the same for
both stores; the chunks, their vectors and BM25 live in the collection. pymilvus is imported
only here, when such an index is opened or built (``pip install 'docprompt[milvus]'``).

Milvus Lite returns BM25 scores negated and computes IDF per segment: ranks are used, and the
sparse scores reported are the magnitudes. Hybrid search with equal-weight RRF is fused on the
server (one request, rank-based as docprompt's). Other fusions are not what Milvus's rankers
compute: its RRF has no weights, and its WeightedRanker squashes each side's raw scores with
arctan, so BM25's scale (corpus, k1; negated in Lite) would decide. For those the two sides
are fetched and the retriever fuses them as for a local index (min-max convex, weighted RRF).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import BadInput, IndexIncompatible, IndexNotFound, StoreUnavailable
from .index import EMPTY, Index, Side
from .milvus_store import MAX_LIMIT, PROPERTY, MilvusChunks, expression, terms

URI_ENV, TOKEN_ENV = "DOCPROMPT_MILVUS_URI", "DOCPROMPT_MILVUS_TOKEN"
# pymilvus pings every 10 s, even during a call; a gRPC server with the default policy (Milvus
# Lite's) answers that with GOAWAY "too_many_pings" and drops the connection, and a long insert
# or first BM25 search then fails or is retried. Ping no more often than it allows (5 min).
GRPC_OPTIONS = {"grpc.keepalive_time_ms": 300_000, "grpc.keepalive_permit_without_calls": False}
HNSW_EF_SEARCH = 128


def default_uri() -> str:
    """``$DOCPROMPT_MILVUS_URI``, else a Milvus Lite file in ``$DOCPROMPT_HOME``."""
    from ..config import home

    return os.environ.get(URI_ENV) or str(home() / "milvus.db")


def normalize_uri(uri: str) -> str:
    """A Milvus Lite file as an absolute path (readers may run elsewhere); URLs as given."""
    if "://" in uri or uri.startswith("unix:"):
        return uri
    return str(Path(uri).expanduser().resolve())


def is_lite(uri: str) -> bool:
    return uri.endswith(".db") and "://" not in uri


def _first_line(e: BaseException) -> str:
    text = getattr(e, "message", None) or str(e)
    return text.strip().splitlines()[0][:200] if text.strip() else type(e).__name__


def connect(uri: str, token: str | None = None, *, create: bool = False):
    """A MilvusClient for ``uri``; a one-line error when pymilvus is missing or the server is not
    there (``create``: a Milvus Lite file may be made)."""
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise BadInput(
            "a Milvus index needs pymilvus and milvus-lite: pip install 'docprompt[milvus]'"
        ) from None
    # pymilvus configures its own loggers at import (WARNING, INFO) and logs each failed call, and
    # milvus-lite logs tracebacks; docprompt raises one line instead.
    for name in ("pymilvus", "pymilvus.milvus_client", "milvus_lite"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    if is_lite(uri):
        folder = Path(uri).parent
        if create:
            folder.mkdir(parents=True, exist_ok=True)
        elif not Path(uri).exists():
            raise StoreUnavailable(
                f"the Milvus Lite database {uri} does not exist; rebuild the index into it"
            )
    try:
        return MilvusClient(uri=uri, token=token or "", grpc_options=GRPC_OPTIONS)
    except Exception as e:  # noqa: BLE001 - MilvusException, ConnectionConfigException, grpc errors
        if is_lite(uri):
            raise StoreUnavailable(
                f"cannot open the Milvus Lite database {uri} ({_first_line(e)}); only one process may "
                f"open it: share it with `milvus-lite server --data-dir {uri} --host 127.0.0.1 --port 19530` "
                "and use --uri http://127.0.0.1:19530"
            ) from None
        raise StoreUnavailable(
            f"cannot reach Milvus at {uri} ({_first_line(e)}): start the server, or fix --uri / "
            f"${URI_ENV} (and ${TOKEN_ENV})"
        ) from None


def unavailable(uri: str, e: BaseException) -> StoreUnavailable:
    return StoreUnavailable(f"Milvus at {uri} failed: {_first_line(e)}")


def drop_collection(manifest) -> None:
    """Drop a Milvus index's collection (``index rm``)."""
    client = connect(manifest.uri, os.environ.get(TOKEN_ENV))
    try:
        if client.has_collection(manifest.collection):
            client.drop_collection(manifest.collection)
    except Exception as e:  # noqa: BLE001
        raise StoreUnavailable(
            f"could not drop collection {manifest.collection!r} at {manifest.uri} ({_first_line(e)}); "
            "use --keep-collection to remove just the index entry"
        ) from None
    finally:
        client.close()


class MilvusIndex(Index):
    """The :class:`~docprompt.store.index.Index` API over a Milvus collection.

    Rows are the entities' primary keys (stable hashes of chunk ids, not positions). Two-stage
    search is not offered (no page-level parts). The server is contacted on first use, so
    listing or describing the index never needs it.
    """

    pages_supported = False

    def __init__(self, path: Path, *, embedder: str | None = None, token: str | None = None):
        super().__init__(path, embedder=embedder)
        if not self.manifest.uri or not self.manifest.collection:
            self.close()
            raise IndexIncompatible(
                f"index {self.name!r}: its manifest names no Milvus URI or collection; rebuild it with "
                f"`docprompt index build {self.name} PATH... --store milvus`"
            )
        self.uri, self.collection = self.manifest.uri, self.manifest.collection
        self._token = token if token is not None else os.environ.get(TOKEN_ENV)

    @cached_property
    def client(self):
        from .build import documents_identity

        client = connect(self.uri, self._token)
        try:
            if not client.has_collection(self.collection):
                raise IndexNotFound(
                    f"index {self.name!r}: collection {self.collection!r} is not in Milvus at {self.uri}; "
                    f"rebuild it with `docprompt index build {self.name} PATH... --store milvus`"
                )
            props = client.describe_collection(self.collection).get("properties") or {}
            have, want = props.get(PROPERTY), documents_identity(self.manifest.embedder)
            if have != want:
                raise IndexIncompatible(
                    f"index {self.name!r}: collection {self.collection!r} holds vectors of embedder "
                    f"{have!r}, this index's manifest says {want!r} (another build replaced it); "
                    f"rebuild with `docprompt index build {self.name} PATH... --store milvus --embedder E`"
                )
            state = client.get_load_state(self.collection).get("state")
            if getattr(state, "name", str(state)) != "Loaded":  # Lite reopens collections released
                client.load_collection(self.collection)
        except Exception as e:  # noqa: BLE001
            with contextlib.suppress(Exception):
                client.close()
            if isinstance(e, (IndexNotFound, IndexIncompatible)):
                raise
            raise unavailable(self.uri, e) from None
        return client

    @cached_property
    def store(self) -> MilvusChunks:
        return MilvusChunks(self.client, self.collection, self.uri)

    @property
    def dense(self):
        raise BadInput(
            f"index {self.name!r} lives in Milvus: training reads the vectors of a local index; "
            "build one with --store local"
        )

    @property
    def page_of_chunk(self) -> np.ndarray:
        raise BadInput(f"index {self.name!r} (Milvus) has no two-stage search: use hybrid, sparse or dense")

    def vectors_by_key(self, keys: list[str], *, lazy: bool = False) -> dict[str, np.ndarray]:
        """The collection's vectors for ``keys``; ``lazy``: fetched when read (see LazyVectors)."""
        present = set(self.store.vec_keys())
        vectors = LazyVectors(self.store, {k for k in keys if k in present})
        if not lazy:
            vectors.fetch(list(vectors.present))
        return vectors

    # -- search ------------------------------------------------------------------------------------

    def allowed(self, filters: Mapping[str, Any] | None) -> str | None:  # type: ignore[override]
        """A Milvus filter expression ('' when a filter can match nothing)."""
        if not filters:
            return None
        expr = expression(filters, metadata=True)
        return "" if expr is None else expr

    def _request(self, side: str, tokens, qvec, n: int):
        n = min(n, MAX_LIMIT)
        if side == "sparse":
            text = terms(tokens)
            return (text, {"metric_type": "BM25"}) if text else None
        params: dict[str, Any] = {"metric_type": "IP"}
        if self.manifest.dense_index == "hnsw":
            params["params"] = {"ef": max(HNSW_EF_SEARCH, n)}
        return (np.asarray(qvec, dtype=np.float32).tolist(), params)

    def _search(self, side: str, tokens, qvec, n: int, allowed: str | None) -> Side:
        req = self._request(side, tokens, qvec, n)
        if req is None:
            return EMPTY
        field = "sparse" if side == "sparse" else "vector"
        client = self.client  # connects (its errors are its own) before the search's are caught
        try:
            res = client.search(
                self.collection, data=[req[0]], anns_field=field, limit=min(n, MAX_LIMIT),
                filter=allowed or "", search_params=req[1], output_fields=["row"],
            )  # fmt: skip
        except Exception as e:  # noqa: BLE001
            raise unavailable(self.uri, e) from None
        hits = res[0] if res else []
        rows = np.fromiter((h.id for h in hits), dtype=np.int64, count=len(hits))
        # BM25 comes back negated from Milvus Lite, positive from a server: best first either way,
        # so its magnitude is the score. Inner products keep their sign.
        sign = abs if side == "sparse" else float
        scores = np.fromiter((sign(h.distance) for h in hits), dtype=np.float32, count=len(hits))
        return rows, scores

    def sides(self, tokens, qvec, n: int, allowed, mode: str, level: str = "chunks") -> tuple[Side, Side]:
        if level != "chunks":
            raise BadInput(
                f"index {self.name!r} (Milvus) has no two-stage search: use hybrid, sparse or dense"
            )
        sparse = self._search("sparse", tokens, qvec, n, allowed) if mode != "dense" else EMPTY
        dense = self._search("dense", tokens, qvec, n, allowed) if mode != "sparse" else EMPTY
        return sparse, dense

    def hybrid(
        self, tokens, qvec, n: int, k: int, allowed, fusion: str, sparse_weight: float, rrf_c: int
    ) -> dict[int, float] | None:
        """The ``k`` best rows fused on the server by RRF from each side's ``n`` best, or None
        where the server cannot fuse as docprompt does (convex, weighted RRF, no BM25 terms)."""
        from pymilvus import AnnSearchRequest, RRFRanker

        if fusion != "rrf" or sparse_weight != 0.5:  # see the module's docstring
            return None
        sparse = self._request("sparse", tokens, qvec, n)
        if sparse is None:
            return None
        dense = self._request("dense", tokens, qvec, n)
        reqs = [
            AnnSearchRequest(
                data=[data], anns_field=field, param=param, limit=min(n, MAX_LIMIT), expr=allowed or None
            )
            for field, (data, param) in (("sparse", sparse), ("vector", dense))
        ]
        client = self.client
        try:
            res = client.hybrid_search(
                self.collection, reqs, RRFRanker(rrf_c), limit=min(k, MAX_LIMIT), output_fields=["row"]
            )
        except Exception as e:  # noqa: BLE001
            raise unavailable(self.uri, e) from None
        # Milvus adds 1 / (c + rank) per side; docprompt weighs each side 0.5.
        return {int(h.id): 0.5 * abs(float(h.distance)) for h in (res[0] if res else [])}

    def close(self) -> None:
        client = self.__dict__.pop("client", None)
        self.__dict__.pop("store", None)
        if client is not None:
            with contextlib.suppress(Exception):  # closing a dead connection
                client.close()
        super().close()


class LazyVectors(dict):
    """Vectors by content key: those put in, and those the collection holds, fetched from it
    only when read (an incremental build reads just the chunks it writes)."""

    def __init__(self, store: MilvusChunks, present: set[str]):
        super().__init__()
        self.store, self.present = store, present

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or key in self.present

    def __len__(self) -> int:
        return len(self.present | set(self.keys()))

    def __missing__(self, key: str) -> np.ndarray:
        if key not in self.present:
            raise KeyError(key)
        self.fetch([key])
        return dict.__getitem__(self, key)

    def fetch(self, keys: list[str]) -> None:
        """Fetch the vectors of ``keys`` held in the collection, in batches."""
        want = [k for k in dict.fromkeys(keys) if k in self.present and not dict.__contains__(self, k)]
        self.update(self.store.vectors(want))

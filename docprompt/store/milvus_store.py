"""The Milvus collection of an index: its schema, one record per chunk, and the chunk store API.

One entity per chunk, keyed by ``row``: a 63-bit hash of the chunk's id, so a chunk keeps its
key across builds and an incremental build upserts or deletes just the chunks that changed.
What search filters on (kind, language, source, command, symbol, doc_id, ...) are typed
VARCHAR fields, never JSON paths (Milvus Lite evaluates a JSON-path filter row by row, ~40x
slower); other metadata keys are filtered through the ``metadata`` JSON field.

BM25 runs in Milvus over ``terms``: docprompt's own tokens of the chunk's search text (stems,
flags with their case, dotted names; see :func:`docprompt.codetokens.tokenize`), each written as
one ``[a-z0-9_]`` word so that Milvus's standard analyzer keeps it whole. The local store and
Milvus therefore rank with the same terms, and a query is tokenized the same way.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from ..errors import BadInput, DocpromptError, IndexCorrupt, StoreUnavailable
from ..models import Chunk
from .chunks import ANY, page_key

PROPERTY = "docprompt.documents"  # which model embedded the collection's vectors
MAX_LIMIT = 16384  # Milvus's largest query limit / search top-k
# VARCHAR fields and their sizes in bytes (Milvus refuses longer values).
STRINGS = {
    "id": 8192, "doc_id": 8192, "source": 8192, "kind": 64, "language": 64, "title": 4096, "uri": 8192,
    "command": 1024, "symbol": 2048, "page": 8192, "content_hash": 128, "vec_key": 128, "digest": 64,
    "text": 65535,
}  # fmt: skip
FILTERED = ("kind", "language", "source", "command", "symbol", "doc_id", "id", "vec_key")
CHUNK_FIELDS = ["row", "id", "doc_id", "position", "source", "kind", "language", "title", "uri", "text",
                "content_hash", "metadata"]  # fmt: skip
_COLUMNS = {*CHUNK_FIELDS, "command", "symbol", "page", "vec_key"}


def collection_name(index_name: str) -> str:
    """A Milvus collection name for an index name (letters, digits and underscores)."""
    return "docprompt_" + re.sub(r"[^A-Za-z0-9_]", "_", index_name)


def row_key(chunk_id: str) -> int:
    """A chunk's primary key: stable across builds, non-negative int64."""
    return int.from_bytes(hashlib.sha256(chunk_id.encode("utf-8")).digest()[:8], "big") >> 1


# -- terms: docprompt's tokens as words Milvus's standard analyzer keeps whole -----------------------

_PLAIN = re.compile(r"[a-z0-9]+")
_MAX_TERM = 40  # longer terms are hashed (analyzers may drop very long tokens)


@lru_cache(maxsize=200_000)
def term(token: str) -> str:
    if _PLAIN.fullmatch(token) and len(token) <= _MAX_TERM:
        return token
    out = "".join(ch if ch in "abcdefghijklmnopqrstuvwxyz0123456789" else f"_{ord(ch):x}_" for ch in token)
    if len(out) > _MAX_TERM:  # '_h' + hex: no plain token has '_', no escape starts with 'h'
        return "_h" + hashlib.sha1(token.encode("utf-8")).hexdigest()[:20]
    return out


def terms(tokens: Iterable[str]) -> str:
    return " ".join(term(t) for t in tokens)


# -- records ---------------------------------------------------------------------------------------


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def record(chunk: Chunk, vec_key: str, tokens: list[str]) -> dict:
    """The entity of one chunk, without its vector; ``digest`` says whether it changed."""
    meta = chunk.metadata
    rec = {
        "row": row_key(chunk.id),
        "id": chunk.id,
        "doc_id": chunk.doc_id,
        "position": chunk.position,
        "source": chunk.source,
        "kind": chunk.kind,
        "language": chunk.language,
        "title": chunk.title,
        "uri": chunk.uri,
        "text": chunk.text,
        "content_hash": chunk.content_hash,
        "vec_key": vec_key,
        "command": _str(meta.get("command")),
        "symbol": _str(meta.get("symbol")),
        "page": page_key(chunk),
        "metadata": meta,
        "terms": terms(tokens),
    }
    for name, limit in STRINGS.items():
        if name == "digest":
            continue
        size = len(str(rec[name]).encode("utf-8"))
        if size > limit:
            raise BadInput(
                f"chunk {chunk.id[:200]!r}: its {name} is {size} bytes, a Milvus field holds {limit}; "
                "use a smaller --chunk-size or keep this index local"
            )
    if len(str(rec["terms"])) > 65535:
        raise BadInput(f"chunk {chunk.id[:200]!r} has too many terms for Milvus; use a smaller --chunk-size")
    body = json.dumps({k: v for k, v in rec.items() if k != "row"}, sort_keys=True, ensure_ascii=False)
    rec["digest"] = hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]
    return rec


def chunk_of(entity: Mapping[str, Any]) -> Chunk:
    meta = entity.get("metadata")
    if isinstance(meta, str):
        meta = json.loads(meta)
    if not isinstance(meta, dict):
        raise IndexCorrupt(
            f"chunk {entity.get('id')!r} in Milvus has metadata that is not an object: rebuild"
        )
    return Chunk(**{f: entity[f] for f in CHUNK_FIELDS if f not in ("row", "metadata")}, metadata=meta)


# -- schema ----------------------------------------------------------------------------------------


def create(client, name: str, dim: int, *, k1: float, b: float, hnsw: bool, documents: str) -> None:
    """Create the collection (BM25 function over ``terms``, k1/b explicit; dense IP), load it."""
    from pymilvus import DataType, Function, FunctionType

    from .dense import HNSW_EF_CONSTRUCTION, HNSW_M

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("row", DataType.INT64, is_primary=True)
    for field, size in STRINGS.items():
        schema.add_field(field, DataType.VARCHAR, max_length=size)
    schema.add_field("position", DataType.INT64)
    schema.add_field("metadata", DataType.JSON)
    schema.add_field(
        "terms", DataType.VARCHAR, max_length=65535, enable_analyzer=True,
        analyzer_params={"type": "standard"},
    )  # fmt: skip
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_function(
        Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["terms"],
                 output_field_names=["sparse"])
    )  # fmt: skip
    params = client.prepare_index_params()
    params.add_index(
        "sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25", params={"bm25_k1": k1, "bm25_b": b}
    )
    if hnsw:
        params.add_index(
            "vector",
            index_type="HNSW",
            metric_type="IP",
            params={"M": HNSW_M, "efConstruction": HNSW_EF_CONSTRUCTION},
        )
    else:
        params.add_index("vector", index_type="FLAT", metric_type="IP")
    for field in FILTERED:
        params.add_index(field, index_type="INVERTED")
    client.create_collection(name, schema=schema, properties={PROPERTY: documents, "docprompt.dim": str(dim)})
    # sync=False: an empty collection's indexes are ready at once (pymilvus would poll for 0.5 s each)
    client.create_index(name, params, sync=False)
    client.load_collection(name)


# -- filters ---------------------------------------------------------------------------------------


def _literal(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        value = str(value)
    return json.dumps(value, ensure_ascii=False)


def expression(where: Mapping[str, Any], *, metadata: bool = False) -> str | None:
    """A Milvus filter for ``where`` (field = value, a list: any of its items, ANY: non-empty).
    With ``metadata``, keys that are no field are metadata keys. None: it can match nothing."""
    parts = []
    for key, value in where.items():
        values = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
        if key in _COLUMNS and key != "metadata":
            if value is ANY:
                parts.append(f'{key} != ""')
                continue
            if not values:
                return None
            if key in ("row", "position"):
                parts.append(f"{key} in [{', '.join(str(int(v)) for v in values)}]")
            else:
                parts.append(f"{key} in [{', '.join(_literal(str(v)) for v in values)}]")
        elif metadata:
            if not values:
                return None
            path = f"metadata[{_literal(str(key))}]"
            parts.append("(" + " or ".join(f"{path} == {_literal(v)}" for v in values) + ")")
        else:
            raise ValueError(f"no column {key!r}")
    return " and ".join(parts)


def _guarded(method):
    """A server failure in ``method`` becomes one line naming the server."""

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (DocpromptError, ValueError):
            raise
        except Exception as e:  # noqa: BLE001 - MilvusException, grpc errors
            text = (getattr(e, "message", None) or str(e) or type(e).__name__).strip().splitlines()[0][:200]
            raise StoreUnavailable(f"Milvus at {self.uri} failed: {text}") from None

    return call


class MilvusChunks:
    """The chunk store API of :class:`~docprompt.store.chunks.ChunkStore` over a collection;
    rows are the entities' primary keys."""

    def __init__(self, client, collection: str, uri: str = "Milvus"):
        self.client, self.collection, self.uri = client, collection, uri
        self._keys: dict[int, tuple[str, str]] | None = None

    @property
    @_guarded
    def count(self) -> int:
        res = self.client.query(self.collection, filter="", output_fields=["count(*)"])
        return int(res[0]["count(*)"])

    @functools.cached_property
    def lite(self) -> bool:
        return str(self.client.get_server_version()).startswith("milvus_lite")

    def _query(self, expr: str, fields: list[str]) -> Iterator[dict]:
        """Every entity matching ``expr`` (a query, or an iterator past Milvus's query limit)."""
        first = self.client.query(self.collection, filter=expr, output_fields=fields, limit=MAX_LIMIT)
        if len(first) < MAX_LIMIT:
            yield from first
            return
        if self.lite:  # no limit there, and each iterator batch scans the whole collection again
            yield from self.client.query(self.collection, filter=expr or "row >= 0", output_fields=fields)
            return
        it = self.client.query_iterator(self.collection, batch_size=4096, filter=expr, output_fields=fields)
        try:
            while batch := it.next():
                yield from batch
        finally:
            it.close()

    @_guarded
    def get(self, rows: list[int]) -> list[Chunk]:
        found: dict[int, Chunk] = {}
        for i in range(0, len(rows), 1024):
            for e in self.client.get(self.collection, ids=rows[i : i + 1024], output_fields=CHUNK_FIELDS):
                found[e["row"]] = chunk_of(e)
        missing = [r for r in rows if r not in found]
        if missing:
            raise IndexCorrupt(
                f"{len(missing)} chunks left collection {self.collection!r} while searching (another build "
                "changed it): search again"
            )
        return [found[r] for r in rows]

    @_guarded
    def chunks(self, **where: Any) -> list[tuple[int, Chunk]]:
        expr = expression(where)
        if expr is None:
            return []
        out = [(e["row"], chunk_of(e)) for e in self._query(expr, CHUNK_FIELDS)]
        return sorted(out, key=lambda rc: rc[0])

    @_guarded
    def values(self, *columns: str, **where: Any) -> list[tuple]:
        bad = [c for c in columns if c not in _COLUMNS]
        if bad:
            raise ValueError(f"no column {bad[0]!r}")
        expr = expression(where)
        if expr is None:
            return []
        fields = list(dict.fromkeys(["row", *columns]))
        rows = sorted(self._query(expr, fields), key=lambda e: e["row"])
        return [tuple(_value(e, c) for c in columns) for e in rows]

    @_guarded
    def has(self, **where: Any) -> bool:
        expr = expression(where)
        return expr is not None and bool(
            self.client.query(self.collection, filter=expr, output_fields=["row"], limit=1)
        )

    @_guarded
    def rows_matching(self, filters: Mapping[str, Any]) -> np.ndarray:
        expr = expression(filters, metadata=True)
        if expr is None:
            return np.empty(0, np.int64)
        return np.sort(np.fromiter((e["row"] for e in self._query(expr, ["row"])), dtype=np.int64))

    @_guarded
    def vec_keys(self) -> dict[str, int]:
        return {vec_key: row for row, (vec_key, _) in self.keys().items()}

    def digests(self) -> dict[int, str]:
        """Every entity's key and digest (what an incremental build compares)."""
        return {row: digest for row, (_, digest) in self.keys().items()}

    @_guarded
    def keys(self) -> dict[int, tuple[str, str]]:
        """Every entity's (vector key, digest), read once: a build asks for both, and a scan of
        Milvus Lite costs about as much per row whatever the fields."""
        if self._keys is None:
            self._keys = {
                e["row"]: (e["vec_key"], e["digest"]) for e in self._query("", ["row", "vec_key", "digest"])
            }
        return self._keys

    @_guarded
    def vectors(self, vec_keys: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(vec_keys), 512):
            expr = expression({"vec_key": vec_keys[i : i + 512]})
            assert expr is not None
            for e in self.client.query(self.collection, filter=expr, output_fields=["vec_key", "vector"],
                                       limit=MAX_LIMIT):  # fmt: skip
                out[e["vec_key"]] = np.asarray(e["vector"], dtype=np.float32)
        return out

    def rows_of_pages(self, pages: list[int]) -> np.ndarray:
        raise BadInput("a Milvus index has no page-level parts: use hybrid, sparse or dense search")

    def close(self) -> None:
        pass


def _value(entity: Mapping[str, Any], column: str) -> Any:
    value = entity[column]
    if column == "metadata" and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)  # as the local store's column reads
    return value

"""Write a build into a Milvus collection: only what changed since the collection's last build.

Every entity carries a digest of its chunk (text, metadata, vector key); a build upserts the
chunks whose digest is new or changed and deletes the keys no chunk has any more. A killed
build leaves a collection that the next build completes, whatever it had written.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np

from ..codetokens import tokenize
from ..config import BuildSettings
from ..errors import BadInput, StoreUnavailable
from ..models import Chunk
from .milvus import TOKEN_ENV, connect, default_uri, normalize_uri, unavailable
from .milvus_store import PROPERTY, MilvusChunks, collection_name, create, record

BATCH_BYTES = 8 << 20  # per insert/upsert call (gRPC messages are capped at 64 MiB)


def resolved(settings: BuildSettings, name: str) -> BuildSettings:
    """``settings`` with the URI and collection this build writes to (recorded for updates)."""
    uri = normalize_uri(settings.uri or default_uri())
    return settings.model_copy(
        update={"uri": uri, "collection": settings.collection or collection_name(name)}
    )


def _existing(client, coll: str, identity: str, dim: int, uri: str) -> str:
    """Check an existing collection holds this embedder's vectors; its dense index kind."""
    props = client.describe_collection(coll).get("properties") or {}
    have = props.get(PROPERTY)
    if have != identity or props.get("docprompt.dim") != str(dim):
        raise BadInput(
            f"collection {coll!r} in Milvus at {uri} holds vectors of embedder {have!r}, not of "
            f"{identity!r}: build into another collection (--collection NEW) or remove it first "
            "(docprompt index rm NAME)"
        )
    state = client.get_load_state(coll).get("state")
    if getattr(state, "name", str(state)) != "Loaded":
        client.load_collection(coll)
    index = client.describe_index(coll, "vector") or {}
    return "hnsw" if str(index.get("index_type", "")).upper() == "HNSW" else "flat"


def _batches(records: list[dict], dim: int):
    batch: list[dict] = []
    size = 0
    for rec in records:
        n = len(rec["text"]) + len(rec["terms"]) + 4 * dim + 512
        if batch and size + n > BATCH_BYTES:
            yield batch
            batch, size = [], 0
        batch.append(rec)
        size += n
    if batch:
        yield batch


def write_collection(
    all_chunks: list[Chunk],
    keys: list[str],
    texts: list[str],
    vectors_by_key: dict,
    dim: int,
    identity: str,
    settings: BuildSettings,
    *,
    name: str,
    token: str | None,
    advance: Callable[[int], Any],
) -> dict:
    """Bring the collection in line with ``all_chunks``; what the manifest records of it."""
    settings = resolved(settings, name)
    uri, coll = settings.uri, settings.collection
    assert uri is not None and coll is not None
    client = connect(uri, token if token is not None else os.environ.get(TOKEN_ENV), create=True)
    try:
        records = [record(c, k, tokenize(t)) for c, k, t in zip(all_chunks, keys, texts)]
        if len({r["row"] for r in records}) != len(records):
            raise BadInput("two chunk ids share a Milvus key (a 63-bit hash collision): rename a document")
        advance(1)
        try:
            if client.has_collection(coll):
                kind = _existing(client, coll, identity, dim, uri)
            else:
                kind = "hnsw" if len(records) >= settings.hnsw_threshold else "flat"
                create(client, coll, dim, k1=settings.bm25_k1, b=settings.bm25_b, hnsw=kind == "hnsw",
                       documents=identity)  # fmt: skip
            store = getattr(vectors_by_key, "store", None)  # the previous build's, keys already read
            if not isinstance(store, MilvusChunks) or (store.uri, store.collection) != (uri, coll):
                store = MilvusChunks(client, coll, uri)
            before = store.digests()
            new = {r["row"] for r in records}
            changed = [r for r in records if before.get(r["row"]) != r["digest"]]
            gone = [row for row in before if row not in new]
            if hasattr(vectors_by_key, "fetch"):  # unchanged text, other metadata: reuse its vector
                vectors_by_key.fetch([r["vec_key"] for r in changed])
            advance(1)
            for batch in _batches(changed, dim):
                for r in batch:  # as lists per batch: a million of them would take ~10 GB
                    r["vector"] = np.asarray(vectors_by_key[r["vec_key"]], dtype=np.float32).tolist()
                fresh = [r for r in batch if r["row"] not in before]
                if fresh:
                    client.insert(coll, fresh)
                if len(fresh) < len(batch):
                    client.upsert(coll, [r for r in batch if r["row"] in before])
                for r in batch:
                    del r["vector"]
            advance(1)
            for i in range(0, len(gone), 4096):
                client.delete(coll, ids=gone[i : i + 4096])
            if changed or gone:
                # Sealed segments: BM25 statistics of whole segments (Milvus Lite computes those of
                # unflushed rows over the rows a filter lets through), and the build is durable.
                client.flush(coll)
            advance(1)
        except (BadInput, StoreUnavailable):
            raise
        except Exception as e:  # noqa: BLE001 - the server failed midway: the next build completes it
            raise unavailable(uri, e) from None
    finally:
        client.close()
    return {
        "dense_index": kind,
        "counts": {"written": len(changed), "deleted": len(gone)},
        "uri": uri,
        "collection": coll,
        "settings": settings,
    }

"""Copy an index into another store without embedding anything again (``index copy``).

The chunks and their vectors are read from the source (a local index's chunk store and FAISS
file, or a Milvus collection) and written by the target store's writer, so a local index moves
to a Milvus server, or back, in the time it takes to write it. The copy's manifest is the
source's (sources, roots, indexer, embedder), so ``index update`` on the copy rebuilds it from
the same sources, reusing its vectors.
"""

from __future__ import annotations

import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

from ..chunking import search_text
from ..config import BuildSettings
from ..errors import BadInput
from ..models import Manifest
from . import layout
from .build import _link_tree, _write_local, documents_identity
from .index import Index


def copy_index(
    source: Index,
    path: Path,
    *,
    name: str,
    store: str,
    uri: str | None = None,
    collection: str | None = None,
    token: str | None = None,
) -> Manifest:
    """Write the chunks and vectors of ``source`` as the index ``name`` at ``path`` in ``store``."""
    path = Path(path)
    if path.resolve() == Path(source.path).resolve():
        raise BadInput(f"index {name!r} cannot be copied onto itself")
    try:
        with layout.writer_lock(path):
            return _copy(source, path, name, store, uri, collection, token)
    except layout.Busy as e:
        raise BadInput(e.message(name)) from None


def _copy(source: Index, path: Path, name: str, store: str, uri, collection, token) -> Manifest:
    started = time.perf_counter()
    m = source.manifest
    layout.clean_stale(path)
    settings = BuildSettings.model_validate(
        {**m.settings, "store": store, "uri": uri if store == "milvus" else None, "collection": collection}
    )
    pairs = source.store.chunks()
    all_chunks = [c for _, c in pairs]
    keys = [k for (k,) in source.store.values("vec_key")]  # the same row order as chunks()
    texts = [search_text(c.title, c.text) for c in all_chunks]
    vectors = source.vectors_by_key(list(dict.fromkeys(keys)))

    def advance(n: int = 1) -> None:
        pass

    build = layout.new_build_dir(path)
    try:
        if store == "milvus":
            from .milvus_build import write_collection

            written = write_collection(all_chunks, keys, texts, vectors, m.embedder.dim,
                                       documents_identity(m.embedder), settings, name=name, token=token,
                                       advance=advance)  # fmt: skip
            settings = written.pop("settings")
        else:
            written = _write_local(build, all_chunks, keys, texts, vectors, settings, advance)
        if (Path(source.path) / layout.EMBEDDER).is_dir():
            _link_tree(Path(source.path) / layout.EMBEDDER, build / layout.EMBEDDER)
        counts = {k: v for k, v in m.counts.items() if k not in ("pages", "written", "deleted")}
        manifest = m.model_copy(
            update={
                "name": name,
                "dense_index": written["dense_index"],
                "counts": {
                    **counts,
                    "chunks": len(all_chunks),
                    **written["counts"],
                    "embedded": 0,
                    "reused_vectors": len(vectors),
                },  # fmt: skip
                "built_at": datetime.now(timezone.utc),
                "build_seconds": round(time.perf_counter() - started, 3),
                "settings": settings.model_dump(),
                "store": store,
                "uri": written.get("uri"),
                "collection": written.get("collection"),
            }
        )
        layout.publish(build, path, manifest)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return manifest

"""An index directory: open it (validated), search its parts, or build one."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from ..errors import IndexCorrupt, IndexIncompatible, IndexNotFound
from ..models import Manifest
from . import layout

Side = tuple[np.ndarray, np.ndarray]  # rows and scores, best first
EMPTY: Side = (np.empty(0, np.int64), np.empty(0, np.float32))


def _rebuild_hint(name: str) -> str:
    return f"rebuild it with `docprompt index build {name} PATH...`"


def read_manifest(path: Path, name: str | None = None) -> Manifest:
    """The manifest of the index directory ``path`` (``name``: how to call it in messages)."""
    name = name or path.name
    file = path / layout.MANIFEST
    if path.is_symlink() and not path.exists():
        raise IndexCorrupt(
            f"index {name!r}: its build directory is gone; remove it with `docprompt index rm {name}` "
            f"or {_rebuild_hint(name)}"
        )
    if not path.exists():
        raise IndexNotFound(f"no index at {path}")
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexCorrupt(f"index {name!r}: manifest.json is missing; {_rebuild_hint(name)}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise IndexCorrupt(
            f"index {name!r}: manifest.json is corrupt or truncated ({type(e).__name__}); "
            f"{_rebuild_hint(name)}"
        ) from None
    version = raw.get("format_version") if isinstance(raw, dict) else None
    if version != layout.FORMAT_VERSION or isinstance(version, bool):
        what = "has no format version" if version is None else f"has format version {version!r}"
        raise IndexIncompatible(
            f"index {name!r} {what}, this docprompt reads format version {layout.FORMAT_VERSION} "
            f"(an int); {_rebuild_hint(name)}"
        )
    try:
        return Manifest.model_validate(raw)
    except ValidationError as e:
        loc = ".".join(str(p) for p in e.errors()[0]["loc"])
        raise IndexCorrupt(
            f"index {name!r}: manifest.json is invalid at {loc!r}; {_rebuild_hint(name)}"
        ) from None


def open_path(path: Path, **kwargs) -> Index:
    """The index in the directory ``path``: a local one, or a Milvus one as its manifest says."""
    if read_manifest(Path(path)).store == "milvus":
        from .milvus import MilvusIndex

        return MilvusIndex(Path(path), **kwargs)
    return Index(Path(path), **kwargs)


class Index:
    """A built index. Parts load on first use, so a sparse-only search never loads FAISS.

    ``path`` may be the ``indexes/NAME`` link: the index pins the build it points to when it
    opens, and every part is read from that build until :meth:`close`, however many builds
    are swapped in meanwhile.
    """

    _pin: int | None = None

    def __init__(self, path: Path, *, embedder: str | None = None):
        self.link = Path(path)
        if self.link.is_symlink() and not self.link.exists():
            read_manifest(self.link)  # raises: the build it points to is gone
        self.path, self._pin = layout.pin(self.link)
        try:
            self.manifest = read_manifest(self.path, self.link.name)
        except BaseException:
            self.close()
            raise
        self.name = self.manifest.name
        if embedder is not None and embedder != self.manifest.embedder.name:
            raise IndexIncompatible(
                f"index {self.name!r} was built with embedder {self.manifest.embedder.name!r}, "
                f"not {embedder!r}; rebuild it with "
                f"`docprompt index build {self.name} --embedder {embedder} PATH...`"
            )
        self.count = self.manifest.counts.get("chunks", 0)

    def _corrupt(self, part: str, e: BaseException) -> IndexCorrupt:
        return IndexCorrupt(
            f"index {self.name!r}: {part} is corrupt or missing ({type(e).__name__}: "
            f"{str(e).splitlines()[0][:120] if str(e) else ''}); {_rebuild_hint(self.name)}"
        )

    @cached_property
    def store(self):
        from .chunks import ChunkStore

        try:
            store = ChunkStore(self.path / layout.CHUNKS)
        except Exception as e:  # noqa: BLE001 - sqlite raises several kinds
            raise self._corrupt(layout.CHUNKS, e) from None
        if store.count != self.count:
            raise self._corrupt(
                layout.CHUNKS, ValueError(f"{store.count} chunks, manifest says {self.count}")
            )
        return store

    def _sparse(self, folder: str, expected: int):
        from .sparse import BM25S

        try:
            sparse = BM25S(self.path / folder)
        except Exception as e:  # noqa: BLE001
            raise self._corrupt(f"the BM25 index {folder}/", e) from None
        n = sparse.count
        if n != expected:
            raise self._corrupt(f"the BM25 index {folder}/", ValueError(f"{n} docs, expected {expected}"))
        return sparse

    def _dense(self, file: str, expected: int):
        from .dense import Dense

        try:
            dense = Dense(self.path / file)
        except Exception as e:  # noqa: BLE001 - faiss raises RuntimeError on bad files
            raise self._corrupt(file, e) from None
        if dense.count != expected or dense.dim != self.manifest.embedder.dim:
            raise self._corrupt(
                file,
                ValueError(
                    f"{dense.count} vectors of dim {dense.dim}, expected "
                    f"{expected} of dim {self.manifest.embedder.dim}"
                ),
            )
        return dense

    @cached_property
    def sparse(self):
        return self._sparse(layout.SPARSE, self.count)

    @cached_property
    def dense(self):
        return self._dense(layout.DENSE, self.count)

    def _pages_count(self) -> int:
        pages = self.manifest.counts.get("pages")
        if pages is None:
            raise IndexIncompatible(
                f"index {self.name!r} has no page-level parts (built by an older docprompt), so it "
                f"cannot search in two-stage mode; {_rebuild_hint(self.name)}, or use another --mode"
            )
        return pages

    @cached_property
    def pages_sparse(self):
        return self._sparse(layout.PAGES_SPARSE, self._pages_count())

    @cached_property
    def pages_dense(self):
        return self._dense(layout.PAGES_DENSE, self._pages_count())

    @cached_property
    def page_of_chunk(self) -> np.ndarray:
        try:
            pages = np.load(self.path / layout.PAGE_OF_CHUNK, allow_pickle=False)
        except Exception as e:  # noqa: BLE001
            raise self._corrupt(layout.PAGE_OF_CHUNK, e) from None
        if pages.shape != (self.count,):
            raise self._corrupt(layout.PAGE_OF_CHUNK, ValueError(f"shape {pages.shape}"))
        return pages

    @cached_property
    def query_embedder(self):
        from ..embed import load_query_embedder

        emb = load_query_embedder(self.manifest.embedder.name, self.path)
        if emb.dim != self.manifest.embedder.dim:
            raise IndexIncompatible(
                f"index {self.name!r}: its query embedder gives {emb.dim}-d vectors, the index "
                f"holds {self.manifest.embedder.dim}-d ones; {_rebuild_hint(self.name)}"
            )
        return emb

    def embed_query(self, text: str) -> np.ndarray:
        embedder = self.query_embedder
        if hasattr(embedder, "embed_query"):  # a model with a query prompt reads the query after it
            return embedder.embed_query(text)
        return embedder.embed([text])[0]

    # -- what a retriever asks of an index (docprompt.retrieve fuses the sides) ------------------

    pages_supported = True  # whole-page parts for two-stage retrieval

    def allowed(self, filters: Mapping[str, Any] | None) -> np.ndarray | None:
        """The rows a filter allows (None: all of them)."""
        return self.store.rows_matching(filters) if filters else None

    def sides(self, tokens, qvec, n: int, allowed, mode: str, level: str = "chunks") -> tuple[Side, Side]:
        """The ``n`` best (rows, scores) by BM25 over ``tokens`` and by the dense vectors for
        ``qvec`` (an empty side where ``mode`` leaves it out), over chunks or whole pages."""
        from .sparse import top_n

        prefix = "pages_" if level == "pages" else ""
        sparse, dense = EMPTY, EMPTY
        if mode != "dense":
            sparse = top_n(getattr(self, prefix + "sparse").scores(tokens), n, allowed)
        if mode != "sparse":
            dense = getattr(self, prefix + "dense").search(qvec, n, allowed)
        return sparse, dense

    def rows_of_pages(self, pages: list[int]) -> np.ndarray:
        return self.store.rows_of_pages(pages)

    def vectors_by_key(self, keys: list[str], *, lazy: bool = False) -> dict[str, np.ndarray]:
        """The vectors this index holds for the content keys ``keys`` (a build reuses them);
        ``lazy``: a store may fetch them when they are read (see ``milvus.LazyVectors``)."""
        positions = self.store.vec_keys()
        wanted = {k: positions[k] for k in keys if k in positions}
        if not wanted:
            return {}
        vectors = self.dense.vectors()
        return {k: vectors[row] for k, row in wanted.items()}

    def close(self) -> None:
        """Release the build this index pinned (a later swap may then delete it)."""
        if "store" in self.__dict__:
            self.store.close()
            del self.__dict__["store"]
        layout.unpin(self._pin)
        self._pin = None

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        layout.unpin(self._pin)

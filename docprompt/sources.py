"""Building an index from named sources: each a registered indexer over its paths, with its
options; the documents of all of them go to one build of the store.

An index is a set of named sources (``python:src/acme``, ``docs:docs``, ``examples:examples``).
Every chunk carries its source's name in its metadata (``source_name``), so a search can keep
to one source; the manifest lists every source with its indexer, paths, options, a content
hash of its documents, its counts and when it was read. Rebuilding (``index update``, adding or
removing a source) re-reads every source; chunks whose text did not change keep their vectors,
so only new or changed text is embedded.

This sits above the store (which knows nothing of indexers) and below the surfaces.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path

from .config import BuildSettings
from .errors import BadInput
from .freshness import stat_roots
from .models import Document, FileStat, IndexSource, Manifest
from .progress import Reporter
from .store.build import build_index

SOURCE_KEY = "source_name"  # the chunk metadata key holding the source's name
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def parse_source(spec: str) -> IndexSource:
    """``[NAME=]INDEXER:PATH[,PATH...]``: a source as the command line gives it. The name is
    the indexer's unless given; a path may be a literal such as ``MANPATH`` or ``TLDR``."""
    name, eq, rest = spec.partition("=")
    if not eq or ":" in name:
        name, rest = "", spec
    indexer, colon, paths = rest.partition(":")
    if not colon or not indexer.strip() or not paths.strip():
        raise BadInput(f"source {spec!r} is not INDEXER:PATH (e.g. docs:docs/ or python:src/acme)")
    return IndexSource(
        name=name.strip() or indexer.strip(),
        indexer=indexer.strip(),
        paths=[p for p in paths.split(",") if p],
    )


def named(sources: Iterable[IndexSource]) -> list[IndexSource]:
    """The sources with unique, valid names: a second ``files`` source becomes ``files-2``."""
    out: list[IndexSource] = []
    seen: set[str] = set()
    for s in sources:
        name, n = s.name, 2
        if not _NAME.fullmatch(name):
            raise BadInput(f"source name {name!r}: use letters, digits, '.', '_' or '-'")
        while name in seen:
            name, n = f"{s.name}-{n}", n + 1
        seen.add(name)
        out.append(s if name == s.name else s.model_copy(update={"name": name}))
    if not out:
        raise BadInput("give at least one source: --source INDEXER:PATH")
    return out


class _Tagged:
    """The documents of one source, each tagged with the source's name; counts and a hash."""

    def __init__(self, source: IndexSource, indexer) -> None:
        self.source, self.indexer = source, indexer
        self.documents = 0
        self.digest = hashlib.sha256()
        self.files: FileStat | None = None

    def __iter__(self) -> Iterator[Document]:
        for doc in self.indexer.iter_documents():
            doc.metadata = {**doc.metadata, SOURCE_KEY: self.source.name}
            self.documents += 1
            self.digest.update(f"{doc.id}\x00{doc.text}\x00".encode())
            yield doc


def build_from_sources(
    path: Path,
    sources: list[IndexSource],
    *,
    settings: BuildSettings | None = None,
    name: str | None = None,
    reporter: Reporter | None = None,
    token: str | None = None,
) -> Manifest:
    """Run each source's indexer and build the index at ``path`` from all their documents
    (``token``: for a Milvus store, see :func:`~docprompt.store.build.build_index`)."""
    from .indexers import Skips, make_indexer

    settings = settings or BuildSettings()
    sources = named(sources)
    # Every indexer is made (paths and options checked) before anything is read.
    tagged = [
        _Tagged(s, make_indexer(s.indexer, s.paths, s.options, max_file_bytes=settings.max_file_bytes))
        for s in sources
    ]

    # The files as they are before they are read: one changed during the build shows as changed.
    for t in tagged:
        suffixes = getattr(getattr(t.indexer, "options", None), "extensions", None)
        t.files = stat_roots(t.indexer.roots, suffixes)

    def documents() -> Iterator[Document]:
        for t in tagged:
            yield from t

    single = tagged[0].source if len(tagged) == 1 else None
    return build_index(
        path,
        documents(),
        name=name,
        indexer=single.indexer if single else "+".join(s.indexer for s in sources),
        indexer_options=single.options if single else {},
        roots=[r for t in tagged for r in t.indexer.roots],
        skipped=_Skipped(tagged, Skips),
        settings=settings,
        reporter=reporter,
        token=token,
        describe_sources=lambda chunks: _records(tagged, chunks),
    )


class _Skipped(Mapping):
    """The sources' skip counts together, read when the build asks (after every document)."""

    def __init__(self, tagged: list[_Tagged], skips_cls) -> None:
        self._tagged, self._cls = tagged, skips_cls

    def _merged(self):
        merged = self._cls()
        for t in self._tagged:
            merged.update(t.indexer.skipped)
        return merged

    def __getitem__(self, key):
        return self._merged()[key]

    def __iter__(self):
        return iter(self._merged())

    def __len__(self) -> int:
        return len(self._merged())

    @property
    def files(self) -> dict[str, list[str]]:
        return self._merged().files


def _records(tagged: list[_Tagged], chunks: list) -> list[IndexSource]:
    """Every source as the manifest records it, once all its documents are read."""
    now = datetime.now(timezone.utc)
    per_source = Counter(c.metadata.get(SOURCE_KEY) for c in chunks)
    return [
        t.source.model_copy(
            update={
                "roots": t.indexer.roots,
                "content_hash": t.digest.hexdigest()[:32],
                "counts": {
                    "documents": t.documents,
                    "chunks": per_source[t.source.name],
                    "skipped": sum(t.indexer.skipped.values()),
                },
                "read_at": now,
                "files": t.files,
            }
        )
        for t in tagged
    ]


def sources_of(manifest: Manifest) -> list[IndexSource]:
    """The sources an index was built from; an index built before sources were named has one,
    made from its indexer and roots."""
    if manifest.index_sources:
        return [s.model_copy() for s in manifest.index_sources]
    return [IndexSource(name=manifest.indexer, indexer=manifest.indexer, paths=list(manifest.roots),
                        options=dict(manifest.indexer_options))]  # fmt: skip


def check_sources(manifest: Manifest, wanted: Iterable[str], index: str) -> list[str]:
    """``wanted`` if the index has every one of those sources; else one line naming its sources."""
    names = [s.name for s in sources_of(manifest)]
    for w in wanted:
        if w not in names:
            raise BadInput(f"index {index!r} has no source {w!r}; its sources: {', '.join(names)}")
    return list(wanted)


def build_from_source(
    path: Path,
    indexer: str,
    paths: list[str],
    *,
    options: dict | None = None,
    settings: BuildSettings | None = None,
    name: str | None = None,
    reporter: Reporter | None = None,
    token: str | None = None,
) -> Manifest:
    """One source: a registered indexer over ``paths`` (named after the indexer)."""
    source = IndexSource(
        name=indexer, indexer=indexer, paths=[str(p) for p in paths], options=dict(options or {})
    )
    return build_from_sources(path, [source], settings=settings, name=name, reporter=reporter, token=token)

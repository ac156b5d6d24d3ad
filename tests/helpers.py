from __future__ import annotations

from pathlib import Path

from docprompt.config import BuildSettings
from docprompt.indexers.files import FilesIndexer
from docprompt.store.build import build_index
from docprompt.store.registry import path_of


def build(name: str, *paths: Path, embedder: str = "hash:64", **settings):
    idx = FilesIndexer(paths)
    return build_index(
        path_of(name),
        idx.iter_documents(),
        name=name,
        indexer="files",
        roots=idx.roots,
        skipped=idx.skipped,
        settings=BuildSettings(embedder=embedder, **settings),
    )

"""Building an index from sources: a registered indexer over its paths, then the store's build.

This sits above the store (which knows nothing of indexers) and below the surfaces.
"""

from __future__ import annotations

from pathlib import Path

from .config import BuildSettings
from .models import Manifest
from .progress import Reporter
from .store.build import build_index


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
    """Run a registered indexer over ``paths`` and build the index at ``path`` from it
    (``token``: for a Milvus store, see :func:`~docprompt.store.build.build_index`)."""
    from .indexers import make_indexer

    settings = settings or BuildSettings()
    source = make_indexer(indexer, paths, options, max_file_bytes=settings.max_file_bytes)
    return build_index(
        path,
        source.iter_documents(),
        name=name,
        indexer=indexer,
        indexer_options=options,
        roots=source.roots,
        skipped=source.skipped,
        settings=settings,
        reporter=reporter,
        token=token,
    )

"""The files of an index directory, and the atomic swap of a new build into place.

``indexes/NAME`` is a symlink to a sibling ``.NAME.<stamp>`` directory. A build writes a new
sibling and replaces the link with ``os.replace``: readers see the old index or the new one,
never half of one, and a build killed midway leaves the old index as it was.
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from pathlib import Path

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNKS = "chunks.sqlite"
DENSE = "dense.faiss"
SPARSE = "sparse"
EMBEDDER = "embedder"
PAGES_DENSE = "pages.faiss"  # one vector per page (mean of its chunks), for two-stage retrieval
PAGES_SPARSE = "pages_sparse"
PAGE_OF_CHUNK = "page_of_chunk.npy"


def new_build_dir(path: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%S")
    build = path.parent / f".{path.name}.{stamp}.{secrets.token_hex(3)}-{os.getpid()}"
    build.mkdir(parents=True)
    return build


def swap_in(build: Path, path: Path) -> None:
    """Point ``path`` at ``build`` atomically, then delete what it pointed to before."""
    old_target = path.resolve() if path.is_symlink() else None
    if path.exists() and not path.is_symlink():  # a plain directory from elsewhere
        aside = path.parent / f".{path.name}.replaced-{os.getpid()}"
        os.replace(path, aside)
        old_target = aside
    link = path.parent / f".{path.name}.link-{os.getpid()}"
    if link.is_symlink():
        link.unlink()
    os.symlink(build.name, link)
    os.replace(link, path)
    if old_target is not None and old_target != build.resolve():
        shutil.rmtree(old_target, ignore_errors=True)


def remove(path: Path) -> None:
    target = path.resolve() if path.is_symlink() else None
    if path.is_symlink():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)
    if target is not None:
        shutil.rmtree(target, ignore_errors=True)


def clean_stale(path: Path) -> None:
    """Remove build directories of ``path`` left by builds whose process is gone."""
    live = path.resolve() if path.is_symlink() else None
    for sibling in path.parent.glob(f".{path.name}.*"):
        if sibling == live or sibling.is_symlink():
            continue
        pid = sibling.name.rsplit("-", 1)[-1]
        if pid.isdigit() and _alive(int(pid)):
            continue
        shutil.rmtree(sibling, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

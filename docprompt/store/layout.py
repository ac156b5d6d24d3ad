"""The files of an index directory, and how builds are swapped in without losing anything.

``indexes/NAME`` is a symlink to a sibling build directory ``.NAME.b-<stamp>-<hex>``.

- One writer per name: a builder holds an exclusive lock on ``.NAME.lock`` (which records who
  holds it), so a second builder fails at once with a message naming the first.
- A build writes a new sibling, fsyncs its files and itself, then replaces the link with
  ``os.replace``: readers see the old index or the new one, never half of one, and a build
  killed midway leaves the old index as it was.
- A reader pins the build it opened (a shared lock on that directory) until it closes it. An
  old build is deleted only when no reader pins it; otherwise the next build of the name (or
  the next swap) deletes it, so a long-lived reader (a Jupyter kernel, a server) never loses its
  files.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no pinning, swaps still atomic
    fcntl = None  # type: ignore[assignment]

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNKS = "chunks.sqlite"
DENSE = "dense.faiss"
SPARSE = "sparse"
EMBEDDER = "embedder"
PAGES_DENSE = "pages.faiss"  # one vector per page (mean of its chunks), for two-stage retrieval
PAGES_SPARSE = "pages_sparse"
PAGE_OF_CHUNK = "page_of_chunk.npy"


def _siblings(path: Path) -> re.Pattern[str]:
    """The names of ``path``'s own build directories (current and older formats), and nothing of
    another index: ``docs`` must never match the builds of ``docs.v2``."""
    name = re.escape(path.name)
    return re.compile(
        rf"^\.{name}\.(b-\d{{8}}T\d{{6}}-[0-9a-f]{{6}}|\d{{8}}T\d{{6}}\.[0-9a-f]{{6}}-\d+"
        rf"|replaced-\d+|link-\d+)$"
    )


def new_build_dir(path: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%S")
    build = path.parent / f".{path.name}.b-{stamp}-{secrets.token_hex(3)}"
    build.mkdir(parents=True)
    return build


# -- one writer per name ---------------------------------------------------------------------------


class Busy(Exception):
    """Another process is building this index; ``holder`` says who."""

    def __init__(self, holder: dict):
        self.holder = holder
        super().__init__(holder)

    def message(self, name: str) -> str:
        who = f"process {self.holder['pid']}" if self.holder.get("pid") else "another process"
        since = f" since {self.holder['since']}" if self.holder.get("since") else ""
        return f"index {name!r} is being built by {who}{since}: wait for it to finish, or stop it"


@contextlib.contextmanager
def writer_lock(path: Path) -> Iterator[None]:
    """Hold ``.NAME.lock`` while building ``path``; raise Busy when another process holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_file = path.parent / f".{path.name}.lock"
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                try:
                    holder = json.loads(os.pread(fd, 4096, 0) or b"{}")
                except ValueError:
                    holder = {}
                raise Busy(holder if isinstance(holder, dict) else {}) from None
        me = {"pid": os.getpid(), "since": time.strftime("%Y-%m-%d %H:%M:%S")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(me).encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


# -- readers pin the build they opened -------------------------------------------------------------


def _try_lock(folder: Path, mode: int) -> int | None:
    """An fd of ``folder`` holding a non-blocking flock, or None (gone, or locked the other way)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return None
    if fcntl is None:
        return fd
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def pin(link: Path, attempts: int = 50) -> tuple[Path, int | None]:
    """(the build directory ``link`` points to, an fd pinning it); the fd is None when ``link``
    is a plain directory or locking is not available. Retries while a swap deletes the build it
    resolved."""
    for _ in range(attempts):
        build = link.resolve() if link.is_symlink() else link
        if fcntl is None or not link.is_symlink():
            return build, None
        fd = _try_lock(build, fcntl.LOCK_SH)
        if fd is not None:
            if (build / MANIFEST).exists():
                return build, fd
            os.close(fd)
        if not link.is_symlink() or not link.resolve().exists():
            break
        time.sleep(0.01)
    return (link.resolve() if link.is_symlink() else link), None


def unpin(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


def _delete_if_unpinned(folder: Path) -> bool:
    """Delete a build no reader pins; False (and nothing deleted) when one does."""
    if fcntl is None:
        shutil.rmtree(folder, ignore_errors=True)
        return True
    fd = _try_lock(folder, fcntl.LOCK_EX)
    if fd is None:
        return not folder.exists()
    try:
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        os.close(fd)
    return True


# -- durability and the swap -----------------------------------------------------------------------


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if path.is_dir() else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(root: Path) -> None:
    """Flush every file under ``root`` and the folders that name them to disk."""
    for dirpath, _, filenames in os.walk(root):
        for fn in filenames:
            _fsync(Path(dirpath) / fn)
        _fsync(Path(dirpath))


def publish(build: Path, path: Path, manifest) -> None:
    """Write ``manifest`` (a pydantic model) into ``build`` last, since a directory without one is
    never a valid index, then swap the build in at ``path``."""
    (build / MANIFEST).write_text(json.dumps(manifest.model_dump(mode="json"), indent=2), encoding="utf-8")
    swap_in(build, path)


def swap_in(build: Path, path: Path) -> None:
    """Point ``path`` at ``build`` atomically, then delete what it pointed to unless pinned."""
    fsync_tree(build)
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
    _fsync(path.parent)
    if old_target is not None and old_target != build.resolve():
        _delete_if_unpinned(old_target)
    clean_stale(path)


def remove(path: Path) -> None:
    """Delete the index at ``path`` (a dangling link too); builds still pinned go later."""
    target = path.resolve() if path.is_symlink() else None
    if path.is_symlink():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)
    if target is not None and target.exists():
        _delete_if_unpinned(target)
    clean_stale(path)


def clean_stale(path: Path) -> None:
    """Delete ``path``'s build directories that are not live: left by killed builds, or old
    builds no reader pins any more. Call it holding the writer lock (a build in progress of
    this name is then our own)."""
    live = path.resolve() if path.is_symlink() else None
    mine = _siblings(path)
    if not path.parent.is_dir():
        return
    for sibling in path.parent.iterdir():
        if not mine.match(sibling.name) or sibling == live:
            continue
        if sibling.is_symlink():
            with contextlib.suppress(OSError):
                sibling.unlink()
            continue
        _delete_if_unpinned(sibling)

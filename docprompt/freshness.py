"""Whether an index's sources changed since it was built, by a stat walk: no file is read.

At build time each source's roots are walked and every file's (path, size, mtime) goes into
one digest, recorded with the number of files, their bytes and the newest mtime
(:class:`~docprompt.models.FileStat`). ``docprompt doctor`` walks them again and compares: a
man-page index of thousands of files costs one ``stat`` each. Hidden files and folders and
``__pycache__`` are left out, as the indexers leave them out; when the source's indexer reads
only some suffixes, only those count. A root that is a Python module name (``json``, an
installed package indexed by import name) stands for the files it is installed as, found
without importing it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .models import FileStat, IndexSource


def stat_roots(roots: Iterable[str], suffixes: Iterable[str] | None = None) -> FileStat | None:
    """The stat record of the files under ``roots`` (None: no root is a path)."""
    wanted = tuple(s.lower() for s in suffixes or ())
    digest = hashlib.sha256()
    files = size = newest = 0
    paths = [p for r in roots for p in _as_paths(r)]
    if not paths:
        return None
    for root in sorted(paths):
        digest.update(f"root\x00{root}\x00{os.path.exists(root)}\n".encode())
        for rel, st in _walk(Path(root), wanted):
            files += 1
            size += st.st_size
            newest = max(newest, st.st_mtime_ns)
            digest.update(f"{rel}\x00{st.st_size}\x00{st.st_mtime_ns}\n".encode())
    return FileStat(
        files=files, bytes=size, newest_ns=newest, digest=digest.hexdigest()[:32], suffixes=list(wanted)
    )


def _as_paths(root: str) -> list[str]:
    """The files a root stands for: itself when a path; an importable module's installed
    folder (a package) or file, found without importing it; none for anything else."""
    if os.path.isabs(root):
        return [root]
    try:  # the top-level name only: find_spec imports the parents of a dotted name
        spec = importlib.util.find_spec(root.split(".")[0])
    except (ImportError, ValueError):
        return []
    if spec is None or not spec.origin or spec.origin in ("built-in", "frozen"):
        return []
    return [os.path.dirname(spec.origin) if spec.submodule_search_locations else spec.origin]


def _walk(root: Path, suffixes: tuple[str, ...]):
    """(relative path, stat) of the regular files under ``root`` (or of ``root``, a file)."""
    try:
        st = os.stat(root)
    except OSError:
        return
    if not os.path.isdir(root):
        yield root.name, st
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        for fn in sorted(filenames):
            if fn.startswith(".") or (suffixes and not fn.lower().endswith(suffixes)):
                continue
            full = os.path.join(dirpath, fn)
            try:
                st = os.stat(full)
            except OSError:
                continue  # a dangling link: the indexer skips it too
            yield os.path.relpath(full, root), st


@dataclass
class Freshness:
    """One source of an index: when it was read, and whether its files changed since."""

    name: str
    indexer: str
    roots: list[str]
    read_at: datetime | None
    state: str  # "up to date", "changed", "unknown"
    detail: str = ""

    @property
    def changed(self) -> bool:
        return self.state == "changed"

    def as_dict(self) -> dict:
        age = age_seconds(self.read_at)
        return {
            "name": self.name,
            "indexer": self.indexer,
            "roots": self.roots,
            "read_at": self.read_at.isoformat() if self.read_at else None,
            "age_s": round(age) if age is not None else None,
            "state": self.state,
            "detail": self.detail,
        }


def check(source: IndexSource, built_at: datetime) -> Freshness:
    """Compare ``source``'s files now with what the build recorded. An index built before
    records were kept is judged by modification times alone (newer than the build: changed)."""
    read_at = source.read_at or built_at
    roots = source.roots or source.paths
    out = Freshness(source.name, source.indexer, roots, read_at, "unknown")
    missing = [r for r in roots if not os.path.isabs(r) and not _as_paths(r)]  # modules not found
    if source.files is None and len(missing) == len(roots):
        out.detail = f"module {missing[0]} not found here" if missing else "nothing to check"
        return out
    gone = [r for r in roots if os.path.isabs(r) and not os.path.exists(r)]
    gone += [f"module {r}" for r in missing]
    recorded = source.files
    now = stat_roots(roots, recorded.suffixes if recorded else None)
    if gone or now is None:
        out.state, out.detail = "changed", f"{gone[0] if gone else roots[0]} is gone"
    elif recorded is None:
        if now.newest_ns > _ns(read_at):
            out.state, out.detail = "changed", f"a file modified {ago(_dt(now.newest_ns))}"
        else:
            out.state = "up to date"
    elif now.digest == recorded.digest:
        out.state = "up to date"
    else:
        out.state, out.detail = "changed", _difference(recorded, now)
    return out


def _difference(before: FileStat, now: FileStat) -> str:
    diff = now.files - before.files
    if diff:
        n = abs(diff)
        return f"{n} file{'s' * (n != 1)} {'added' if diff > 0 else 'removed'}"
    if now.newest_ns > before.newest_ns:
        return f"files modified, the newest {ago(_dt(now.newest_ns))}"
    return "files modified or renamed"


def _ns(when: datetime) -> int:
    return int(when.timestamp() * 1_000_000_000)


def _dt(ns: int) -> datetime:
    return datetime.fromtimestamp(ns / 1e9, timezone.utc)


def age_seconds(when: datetime | None) -> float | None:
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (datetime.now(timezone.utc) - when).total_seconds())


def ago(when: datetime | None) -> str:
    """``5 min ago``, ``3 h ago``, ``2 d ago`` (``at an unknown time``)."""
    s = age_seconds(when)
    if s is None:
        return "at an unknown time"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if s >= size:
            return f"{int(s // size)} {unit} ago"
    return "just now"

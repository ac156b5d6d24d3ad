"""Safe file access shared by the indexers: walk roots without leaving them through a
symlink, cap file size, and skip what cannot be read with a counted reason."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from docprompt.errors import BadInput

DEFAULT_MAX_FILE_BYTES = 5_000_000


class Skips(Counter):
    """Why inputs were skipped, counted by reason."""

    def add(self, reason: str) -> None:
        self[reason] += 1


def existing_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    out = [Path(p).expanduser() for p in paths]
    if not out:
        raise BadInput("give at least one PATH to index")
    missing = [str(p) for p in out if not p.exists()]
    if missing:
        raise BadInput(f"path does not exist: {', '.join(missing)}")
    return out


def walk(roots: Iterable[Path], suffixes: set[str] | None = None) -> Iterator[tuple[Path, Path]]:
    """(root, file) pairs in sorted order; hidden files and folders are left out.

    ``suffixes`` are lower-case (".md"); a compound one such as ".tar.gz" works too.
    """
    for root in roots:
        root = root.resolve()
        if root.is_file():
            yield root.parent, root
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for fn in sorted(filenames):
                low = fn.lower()
                if fn.startswith(".") or (suffixes and not any(low.endswith(s) for s in suffixes)):
                    continue
                yield root, Path(dirpath) / fn


def read_bytes(root: Path, file: Path, skipped: Skips, max_bytes: int) -> bytes | None:
    """The file's bytes, or None (and a counted reason) if it must be skipped."""
    try:
        real = file.resolve()
        if not real.is_relative_to(root):
            skipped.add("symlink out of root")
            return None
        if real.stat().st_size > max_bytes:
            skipped.add("too large")
            return None
        return real.read_bytes()
    except OSError:
        skipped.add("unreadable")
        return None


def decode_text(data: bytes, skipped: Skips) -> str | None:
    """UTF-8 text, or None (and a counted reason) for binary, non-UTF-8 or empty data."""
    if b"\x00" in data[:8192]:
        skipped.add("binary")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        skipped.add("not UTF-8")
        return None
    if not text.strip():
        skipped.add("empty")
        return None
    return text


def read_text(root: Path, file: Path, skipped: Skips, max_bytes: int) -> str | None:
    data = read_bytes(root, file, skipped, max_bytes)
    return None if data is None else decode_text(data, skipped)


def chosen_extensions(indexer: str, extensions, formats) -> set[str]:
    """The lower-case suffixes an indexer was asked to read (default: all it can); one it
    cannot read is a clear error."""
    if isinstance(extensions, str):
        extensions = [extensions]
    exts = {e.lower() if e.startswith(".") else f".{e.lower()}" for e in (extensions or formats)}
    unknown = sorted(exts - set(formats))
    if unknown:
        raise BadInput(
            f"the {indexer} indexer cannot read {unknown[0]!r} files; it reads {', '.join(formats)}"
        )
    return exts


class Excluder:
    """Glob patterns matched against a path's names (``_build``) or, with a slash, the whole
    relative path (``docs/_static/*``)."""

    def __init__(self, patterns, default) -> None:
        self.patterns = (
            (patterns,) if isinstance(patterns, str) else tuple(default if patterns is None else patterns)
        )

    def __call__(self, rel: str) -> bool:
        from fnmatch import fnmatch

        parts = rel.split("/")
        return any(fnmatch(rel, p) if "/" in p else any(fnmatch(x, p) for x in parts) for p in self.patterns)

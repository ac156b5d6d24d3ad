"""Safe file access shared by the indexers: walk roots without leaving them through a
symlink, cap file size, and skip what cannot be read with a counted reason."""

from __future__ import annotations

import codecs
import os
import stat
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from docprompt.errors import BadInput

DEFAULT_MAX_FILE_BYTES = 5_000_000


class Skips(Counter):
    """Why inputs were skipped, counted by reason, with the first names of each reason's inputs
    (``files``), so a user can see which files were left out."""

    MAX_NAMES = 200

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.files: dict[str, list[str]] = {}

    def add(self, reason: str, what: object = None, count: int = 1) -> None:
        if count <= 0:
            return
        self[reason] += count
        if what is not None:
            names = self.files.setdefault(reason, [])
            if len(names) < self.MAX_NAMES:
                names.append(os.fsdecode(what) if isinstance(what, bytes) else str(what))

    def update(self, other=(), /, **kwargs) -> None:  # type: ignore[override]
        super().update(other, **kwargs)
        for reason, names in getattr(other, "files", {}).items():
            mine = self.files.setdefault(reason, [])
            mine.extend(names[: max(0, self.MAX_NAMES - len(mine))])


def existing_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    out = [Path(p).expanduser() for p in paths]
    if not out:
        raise BadInput("give at least one PATH to index")
    missing = [str(p) for p in out if not p.exists()]
    if missing:
        raise BadInput(f"path does not exist: {', '.join(missing)}")
    return out


def regular_file(path: Path) -> str | None:
    """None when ``path`` is (or links to) a regular file, else why it must not be opened: a
    FIFO would block the reader forever, a device or socket is no document."""
    try:
        mode = os.stat(path).st_mode
    except RuntimeError:  # pragma: no cover - older Pythons report symlink loops this way
        return "symlink loop"
    except OSError as e:
        return "symlink loop" if e.errno == 40 else "unreadable"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "not a regular file (FIFO)"
    if stat.S_ISSOCK(mode):
        return "not a regular file (socket)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "not a regular file (device)"
    return "not a regular file"


def walk(
    roots: Iterable[Path], suffixes: set[str] | None = None, skipped: Skips | None = None
) -> Iterator[tuple[Path, Path]]:
    """(root, file) pairs of regular files in sorted order; hidden files and folders are left
    out, and FIFOs, sockets, devices and symlink loops are skipped (counted in ``skipped``).

    ``suffixes`` are lower-case (".md"); a compound one such as ".tar.gz" works too.
    """
    skipped = skipped if skipped is not None else Skips()
    for root in roots:
        try:
            root = root.resolve()
        except (OSError, RuntimeError):
            skipped.add("symlink loop", root)
            continue
        if not root.is_dir():
            why = regular_file(root)
            if why is None:
                yield root.parent, root
            else:
                skipped.add(why, root)
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for fn in sorted(filenames):
                low = fn.lower()
                if fn.startswith(".") or (suffixes and not any(low.endswith(s) for s in suffixes)):
                    continue
                file = Path(dirpath) / fn
                why = regular_file(file)
                if why is None:
                    yield root, file
                else:
                    skipped.add(why, file)


def read_bytes(root: Path, file: Path, skipped: Skips, max_bytes: int) -> bytes | None:
    """The file's bytes, or None (and a counted reason) if it must be skipped."""
    try:
        real = file.resolve()
        if not real.is_relative_to(root):
            skipped.add("symlink out of root", file)
            return None
        why = regular_file(real)
        if why is not None:
            skipped.add(why, file)
            return None
        if real.stat().st_size > max_bytes:
            skipped.add("too large", file)
            return None
        # O_NONBLOCK: should the file turn into a FIFO after the check, opening it cannot hang.
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            data = f.read(max_bytes + 1)
        if len(data) > max_bytes:  # it grew since stat
            skipped.add("too large", file)
            return None
        return data
    except RuntimeError:  # pragma: no cover - symlink loop on older Pythons
        skipped.add("symlink loop", file)
        return None
    except OSError as e:
        skipped.add("symlink loop" if e.errno == 40 else "unreadable", file)
        return None


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))  # fmt: skip


def decode_text(data: bytes, skipped: Skips, what: object = None) -> str | None:
    """The text of UTF-8 data (or UTF-16/32 with a byte-order mark), or None (and a counted
    reason) for binary, undecodable or empty data."""
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding is None and b"\x00" in data[:8192]:
        skipped.add("binary", what)
        return None
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError:
        skipped.add("not UTF-8" if encoding is None else f"bad {encoding.upper()}", what)
        return None
    text = text.lstrip("\ufeff")
    if not text.strip():
        skipped.add("empty", what)
        return None
    return text


def read_text(root: Path, file: Path, skipped: Skips, max_bytes: int) -> str | None:
    data = read_bytes(root, file, skipped, max_bytes)
    return None if data is None else decode_text(data, skipped, file)


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

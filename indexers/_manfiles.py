"""Finding and reading man page files: this machine's man path, roff sources (compressed or
not) rendered by man(1), and the package each page came from (an archive's manifest.json)."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import os
import re
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docprompt.manpage import render_roff

from ._fs import Skips, decode_text, read_bytes, read_text

MANPATH = "MANPATH"

_ROFF = re.compile(r"(?P<name>.+)\.(?P<section>[1-9n]\w*?)(?P<comp>\.gz|\.bz2|\.xz|\.lzma)?")
_MANDIR = re.compile(r"man[1-9]\w*")
_DECOMPRESS: dict[str, Callable[..., Any]] = {
    ".gz": gzip.open,
    ".bz2": bz2.open,
    ".xz": lzma.open,
    ".lzma": lzma.open,
}


def _machine_manpath() -> list[Path]:
    try:
        out = subprocess.run(["manpath"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        out = os.environ.get("MANPATH", "") or "/usr/share/man"
    # /usr/local/man is often a link to /usr/local/share/man: each folder once.
    dirs = [Path(p).resolve() for p in out.strip().split(":") if p]
    return [d for d in dict.fromkeys(dirs) if d.is_dir()]


def _is_roff_root(path: Path) -> bool:
    try:
        return path.is_dir() and any(_MANDIR.fullmatch(p.name) and p.is_dir() for p in path.iterdir())
    except OSError:
        return False


def _is_archive(path: Path) -> bool:
    return path.is_file() and path.name.lower().endswith((".tar", ".tar.gz", ".tgz", ".tar.xz", ".tar.bz2"))


def _is_roff_file(path: Path) -> bool:
    """A single roff page given directly (``tar.1``, ``tar.1.gz``)."""
    return path.is_file() and _ROFF.fullmatch(path.name) is not None and not path.name.endswith(".txt")


def _packages(folder: Path, skipped: Skips) -> dict[str, str]:
    """``manifest.json`` beside rendered pages (the shared tarball's): file name -> package."""
    for candidate in (folder / "manifest.json", folder.parent / "manifest.json"):
        if candidate.is_file():
            text = read_text(candidate.parent, candidate, skipped, 50_000_000)
            try:
                commands = json.loads(text or "")["commands"]
                return {Path(c["file"]).name: str(c.get("source", "")) for c in commands.values()}
            except (ValueError, KeyError, TypeError, AttributeError):
                skipped.add("bad manifest.json", candidate)
    return {}


def _render(root: Path, file: Path, max_bytes: int, timeout: float) -> tuple[str | None, Skips]:
    """Render one roff page with ``man -l`` (runs in a worker thread; its own skip counter)."""
    skipped = Skips()
    data = read_bytes(root, file, skipped, max_bytes)
    if data is None:
        return None, skipped
    opener = _DECOMPRESS.get(file.suffix.lower())
    if opener is not None:
        try:
            with opener(io.BytesIO(data)) as f:
                data = f.read(max_bytes + 1)
        except (OSError, EOFError, lzma.LZMAError, zlib.error):
            skipped.add("corrupt compressed page", file)
            return None, skipped
        if len(data) > max_bytes:
            skipped.add("too large", file)
            return None, skipped
    try:
        text = render_roff(data, cwd=root, timeout=timeout)
    except subprocess.TimeoutExpired:
        skipped.add("render timeout", file)
        return None, skipped
    if text is None:
        skipped.add("render failed", file)
        return None, skipped
    return decode_text(text.encode("utf-8"), skipped, file), skipped

"""A generic files indexer: Markdown, reStructuredText, plain text and Python files."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from docprompt.errors import BadInput
from docprompt.models import Document

from . import Skips

LANGUAGES = {".md": "markdown", ".markdown": "markdown", ".rst": "rst", ".txt": "text", ".py": "python"}


def _title(path: Path, text: str, language: str) -> str:
    if language == "markdown":
        for line in text.splitlines()[:20]:
            if line.startswith("# "):
                return line[2:].strip()
    return path.stem if path.name != "__init__.py" else path.parent.name


class FilesIndexer:
    """Yields one Document per readable file under the given paths.

    Unreadable, binary, non-UTF-8, empty and oversized files are skipped and counted in
    ``skipped``; symlinks that lead outside a root are not followed.
    """

    name = "files"

    def __init__(
        self,
        paths: Iterable[str | os.PathLike],
        *,
        max_file_bytes: int = 5_000_000,
        extensions: Iterable[str] | None = None,
    ):
        self.paths = [Path(p).expanduser() for p in paths]
        if not self.paths:
            raise BadInput("give at least one PATH to index")
        missing = [str(p) for p in self.paths if not p.exists()]
        if missing:
            raise BadInput(f"path does not exist: {', '.join(missing)}")
        self.max_file_bytes = max_file_bytes
        self.extensions = {e if e.startswith(".") else f".{e}" for e in (extensions or LANGUAGES)}
        self.skipped = Skips()

    @property
    def roots(self) -> list[str]:
        return [str(p.resolve()) for p in self.paths]

    def files(self) -> Iterator[tuple[Path, Path]]:
        """(root, file) pairs, sorted, never leaving a root through a symlink."""
        for root in self.paths:
            root = root.resolve()
            if root.is_file():
                yield root.parent, root
                continue
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for fn in sorted(filenames):
                    if Path(fn).suffix.lower() in self.extensions and not fn.startswith("."):
                        yield root, Path(dirpath) / fn

    def read(self, root: Path, file: Path) -> str | None:
        try:
            real = file.resolve()
            if not real.is_relative_to(root):
                self.skipped.add("symlink out of root")
                return None
            if real.stat().st_size > self.max_file_bytes:
                self.skipped.add("too large")
                return None
            data = real.read_bytes()
        except OSError:
            self.skipped.add("unreadable")
            return None
        if b"\x00" in data[:8192]:
            self.skipped.add("binary")
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            self.skipped.add("not UTF-8")
            return None
        if not text.strip():
            self.skipped.add("empty")
            return None
        return text

    def iter_documents(self) -> Iterator[Document]:
        for root, file in self.files():
            text = self.read(root, file)
            if text is None:
                continue
            language = LANGUAGES.get(file.suffix.lower(), "text")
            rel = file.relative_to(root).as_posix()
            yield Document(
                id=f"{root.name}/{rel}",
                text=text,
                source=str(file),
                kind="example" if language == "python" else "doc",
                language=language,
                title=_title(file, text, language),
                uri=file.as_uri(),
                metadata={"path": rel},
            )

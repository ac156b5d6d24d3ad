"""A generic files indexer: Markdown, reStructuredText, plain text and Python files."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from docprompt.models import Document

from ._fs import DEFAULT_MAX_FILE_BYTES, Skips, existing_paths, read_text, walk

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
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        extensions: Iterable[str] | None = None,
    ):
        self.paths = existing_paths(paths)
        self.max_file_bytes = max_file_bytes
        self.extensions = {e if e.startswith(".") else f".{e}" for e in (extensions or LANGUAGES)}
        self.skipped = Skips()

    @property
    def roots(self) -> list[str]:
        return [str(p.resolve()) for p in self.paths]

    def iter_documents(self) -> Iterator[Document]:
        for root, file in walk(self.paths, self.extensions, self.skipped):
            text = read_text(root, file, self.skipped, self.max_file_bytes)
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

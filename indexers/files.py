"""A generic files indexer: Markdown, reStructuredText, plain text and Python files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import field_validator

from docprompt.models import Document

from ._base import FileTreeIndexer, IndexerOptions
from ._fs import read_text

LANGUAGES = {".md": "markdown", ".markdown": "markdown", ".rst": "rst", ".txt": "text", ".py": "python"}


MAX_TITLE = 200  # a title is put before every chunk of its page: a 100 kB heading line must not be


def _title(path: Path, text: str, language: str) -> str:
    if language == "markdown":
        for line in text.splitlines()[:20]:
            if line.startswith("# "):
                return line[2:].strip()[:MAX_TITLE]
    return (path.stem if path.name != "__init__.py" else path.parent.name)[:MAX_TITLE]


class FilesOptions(IndexerOptions):
    extensions: list[str] = list(LANGUAGES)

    @field_validator("extensions", mode="before")
    @classmethod
    def _dotted(cls, value):
        values = [value] if isinstance(value, str) else list(value or LANGUAGES)
        return [v if v.startswith(".") else f".{v}" for v in values]


class FilesIndexer(FileTreeIndexer):
    """Yields one Document per readable file under the given paths.

    Unreadable, binary, non-UTF-8, empty and oversized files are skipped and counted in
    ``skipped``; symlinks that lead outside a root are not followed.
    """

    name = "files"
    Options = FilesOptions
    options: FilesOptions

    def iter_documents(self) -> Iterator[Document]:
        for root, file in self.files(set(self.options.extensions)):
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

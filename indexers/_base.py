"""What every file-tree indexer shares: its paths, validated options, skip counts and roots.

A subclass sets ``name``, an ``Options`` model (pydantic, unknown keys refused) and
``iter_documents``; it reads its options as ``self.options.<name>``::

    class NotesIndexer(FileTreeIndexer):
        name = "notes"

        class Options(IndexerOptions):
            extensions: list[str] = [".txt"]

        def iter_documents(self):
            for root, file in self.files(set(self.options.extensions)):
                text = read_text(root, file, self.skipped, self.options.max_file_bytes)
                ...
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from docprompt.errors import BadInput

from ._fs import DEFAULT_MAX_FILE_BYTES, Excluder, Skips, chosen_extensions, existing_paths, walk


class IndexerOptions(BaseModel):
    """Options every indexer takes; subclasses add their own fields."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    max_file_bytes: int = Field(default=DEFAULT_MAX_FILE_BYTES, ge=1, description="skip larger files")


def parse_options(indexer: str, model: type[IndexerOptions], given: dict[str, Any]) -> IndexerOptions:
    """``given`` validated by ``model``; a bad or unknown option is one line naming it."""
    try:
        return model.model_validate(given)
    except ValidationError as e:
        err = e.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "(options)"
        if err["type"] == "extra_forbidden":
            takes = ", ".join(sorted(f for f in model.model_fields if f != "max_file_bytes")) or "none"
            raise BadInput(f"indexer {indexer!r} takes no option {key!r}; its options: {takes}") from None
        msg = err["msg"].removeprefix("Value error, ")
        raise BadInput(f"indexer {indexer!r} option {key}: {msg}") from None


class FormatOptions(IndexerOptions):
    """Options of an indexer that reads some file formats: which of them (``extensions``, checked
    against ``formats``) and which files and folders to leave out (``exclude``: glob patterns for
    names, or relative paths when they hold a "/")."""

    indexer: ClassVar[str] = ""
    formats: ClassVar[dict[str, str]] = {}
    default_exclude: ClassVar[tuple[str, ...]] = ()

    extensions: list[str] = Field(default=None, validate_default=True, description="file suffixes to read")
    exclude: list[str] = Field(default=None, validate_default=True, description="glob patterns to leave out")

    @field_validator("extensions", mode="before")
    @classmethod
    def _known_extensions(cls, value):
        try:
            exts = chosen_extensions(cls.indexer, value, cls.formats)
        except BadInput as e:
            raise ValueError(str(e)) from None
        return [e for e in cls.formats if e in exts]

    @field_validator("exclude", mode="before")
    @classmethod
    def _patterns(cls, value):
        return list(Excluder(value, cls.default_exclude).patterns)


class FileTreeIndexer:
    """An indexer over files and folders given as ``paths``."""

    name: ClassVar[str] = "files"
    Options: ClassVar[type[IndexerOptions]] = IndexerOptions

    def __init__(self, paths: Iterable[str | os.PathLike] | str | os.PathLike, **options: Any):
        self.options = parse_options(self.name, self.Options, options)
        items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
        self.paths: list[Path] = self.resolve_paths(items)
        self.skipped = Skips()

    def resolve_paths(self, items: list[str | os.PathLike]) -> list[Path]:
        """The paths to read; a missing one is a one-line error (subclasses expand names here)."""
        return existing_paths(items)

    @property
    def max_file_bytes(self) -> int:
        return self.options.max_file_bytes

    @property
    def roots(self) -> list[str]:
        """What the manifest records, so ``index update`` reads the same inputs again."""
        return [str(p.resolve()) for p in self.paths]

    def files(self, suffixes: set[str] | None = None) -> Iterator[tuple[Path, Path]]:
        """(root, file) for the regular files under the paths (see :func:`_fs.walk`)."""
        return walk(self.paths, suffixes, self.skipped)

    def iter_documents(self) -> Iterator[Any]:  # pragma: no cover - every indexer defines it
        raise NotImplementedError


class FormatTreeIndexer(FileTreeIndexer):
    """A file-tree indexer over the formats its :class:`FormatOptions` name."""

    Options: ClassVar[type[IndexerOptions]] = FormatOptions
    options: FormatOptions

    def sources(self) -> Iterator[tuple[Path, Path, str, str]]:
        """(root, file, its path relative to the root, its format) for each file to read."""
        excluded = Excluder(self.options.exclude, ())
        formats = self.options.formats
        for root, file in self.files(set(self.options.extensions)):
            rel = file.relative_to(root).as_posix()
            if not excluded(rel):
                yield root, file, rel, formats[file.suffix.lower()]

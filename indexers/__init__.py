"""Source indexers: anything with ``iter_documents() -> Iterable[Document]``.

Indexers are registered by name under the ``docprompt.indexers`` entry-point group, so a
user's own indexer plugs in with one line of their pyproject.toml.
"""

from __future__ import annotations

from docprompt.errors import BadInput

from ._base import FileTreeIndexer, IndexerOptions
from ._fs import Skips

GROUP = "docprompt.indexers"


def available() -> dict[str, str]:
    from docprompt.plugins import available as registered

    return registered("indexers")


def get_indexer(name: str):
    """The indexer class registered as ``name``."""
    from docprompt.plugins import load

    return load("indexers", name)


def make_indexer(name: str, paths: list[str], options: dict | None = None, *, max_file_bytes: int):
    """An indexer instance; an option it does not take is a one-line error.

    Indexers with an ``Options`` model (every built-in one) validate their options with it; a
    plain class gets them as keyword arguments.
    """
    cls = get_indexer(name)
    options = dict(options or {})
    if isinstance(getattr(cls, "Options", None), type) and issubclass(cls.Options, IndexerOptions):
        return cls(paths, max_file_bytes=max_file_bytes, **options)  # validated by its Options
    import inspect  # a plugin without an Options model: its constructor says what it takes

    params = inspect.signature(cls).parameters
    if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
        unknown = sorted(set(options) - set(params))
        if unknown:
            takes = sorted(p for p in params if p not in ("paths", "max_file_bytes"))
            raise BadInput(
                f"indexer {name!r} takes no option {unknown[0]!r}; its options: {', '.join(takes) or 'none'}"
            )
    return cls(paths, max_file_bytes=max_file_bytes, **options)


__all__ = [
    "GROUP", "FileTreeIndexer", "IndexerOptions", "Skips", "available", "get_indexer", "make_indexer",
]  # fmt: skip

"""Source indexers: anything with ``iter_documents() -> Iterable[Document]``.

Indexers are registered by name under the ``docprompt.indexers`` entry-point group, so a
user's own indexer plugs in with one line of their pyproject.toml.
"""

from __future__ import annotations

from collections import Counter
from importlib.metadata import entry_points

from docprompt.errors import BadInput

GROUP = "docprompt.indexers"
BUILTIN = {"files": "docprompt.indexers.files:FilesIndexer"}


def available() -> dict[str, str]:
    found = dict(BUILTIN)
    for ep in entry_points(group=GROUP):
        found.setdefault(ep.name, ep.value)
    return found


def get_indexer(name: str):
    """The indexer class registered as ``name``."""
    known = available()
    if name not in known:
        raise BadInput(f"unknown indexer {name!r}; known: {', '.join(sorted(known))}")
    module, _, attr = known[name].partition(":")
    import importlib

    return getattr(importlib.import_module(module), attr)


class Skips(Counter):
    """Why inputs were skipped, counted by reason."""

    def add(self, reason: str) -> None:
        self[reason] += 1

"""Everything chosen by name, in one registry: indexers, embedders, generators and verifiers.

Built-in entries come first; a package adds its own under the entry-point group of the kind
(``docprompt.indexers``, ``docprompt.embedders``, ``docprompt.generators``,
``docprompt.verifiers``), e.g. in its pyproject.toml::

    [project.entry-points."docprompt.generators"]
    mybackend = "mypkg.gen:MyGenerator"

An embedder is named ``SCHEME:REST`` (``hash:256``, ``ollama:nomic-embed-text``); a name with no
registered scheme is a sentence-transformers model. A generator is a backend name; a verifier
is a language.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module
from typing import Any, Literal

from .errors import BadInput

Kind = Literal["indexers", "embedders", "generators", "verifiers"]

BUILTIN: dict[str, dict[str, str]] = {
    "indexers": {
        "files": "docprompt.indexers.files:FilesIndexer",
        "manpages": "docprompt.indexers.manpages:ManPagesIndexer",
        "tldr": "docprompt.indexers.tldr:TldrIndexer",
        "devdocs": "docprompt.indexers.devdocs:DevDocsIndexer",
        "python": "docprompt.indexers.pyapi:PythonApiIndexer",
        "docs": "docprompt.indexers.docsfolder:DocsFolderIndexer",
        "examples": "docprompt.indexers.examples:CodeExamplesIndexer",
    },
    "embedders": {
        "st": "docprompt.embed.st:SentenceTransformerEmbedder",
        "hash": "docprompt.embed.hashing:from_spec",
        "ollama": "docprompt.embed.ollama:OllamaEmbedder",
    },
    "generators": {
        "ollama": "docprompt.generate.ollama:from_settings",
        "embedded": "docprompt.generate.embedded:from_settings",
    },
    "verifiers": {
        "bash": "docprompt.verify.bash:BashVerifier",
        "python": "docprompt.verify.python:PythonVerifier",
    },
}


@lru_cache(maxsize=4)
def available(kind: Kind) -> dict[str, str]:
    """name -> "module:attribute", built-ins first, then entry points of ``docprompt.<kind>``."""
    from importlib.metadata import entry_points

    found = dict(BUILTIN[kind])
    for ep in entry_points(group=f"docprompt.{kind}"):
        found.setdefault(ep.name, ep.value)
    return found


def load(kind: Kind, name: str) -> Any:
    """The object registered as ``name``; an unknown or broken one is a one-line error."""
    known = available(kind)
    if name not in known:
        raise BadInput(f"unknown {kind[:-1]} {name!r}; known: {', '.join(sorted(known))}")
    module, _, attr = known[name].partition(":")
    try:
        return getattr(import_module(module), attr)
    except (ImportError, AttributeError) as e:
        raise BadInput(f"{kind[:-1]} {name!r} ({known[name]}) cannot be loaded: {e}") from None

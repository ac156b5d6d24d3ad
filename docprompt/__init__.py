"""docprompt: grounded code generation from documentation a model has never seen.

The public names load lazily, so ``import docprompt`` stays fast and pulls in no torch::

    from docprompt import DocPrompt, search
    hits = search("tldr", "extract a gzipped archive", k=3)
    answer = DocPrompt.load("tldr").ask("extract a gzipped archive into /tmp")
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Document": "docprompt.models",
    "Chunk": "docprompt.models",
    "Hit": "docprompt.models",
    "Manifest": "docprompt.models",
    "Index": "docprompt.store.index",
    "open_index": "docprompt.store.registry",
    "build_index": "docprompt.store.build",
    "Retriever": "docprompt.retrieve",
    "search": "docprompt.retrieve",
    "BuildSettings": "docprompt.config",
    "DocpromptError": "docprompt.errors",
    "DocPrompt": "docprompt.pipeline",
    "Answer": "docprompt.answer",
    "PromptBuilder": "docprompt.prompt",
    "get_generator": "docprompt.generate",
}

__all__ = [
    "Answer",
    "BuildSettings",
    "Chunk",
    "DocPrompt",
    "Document",
    "DocpromptError",
    "Hit",
    "Index",
    "Manifest",
    "PromptBuilder",
    "Retriever",
    "__version__",
    "build_index",
    "get_generator",
    "open_index",
    "search",
]

if TYPE_CHECKING:
    from .answer import Answer
    from .config import BuildSettings
    from .errors import DocpromptError
    from .generate import get_generator
    from .models import Chunk, Document, Hit, Manifest
    from .pipeline import DocPrompt
    from .prompt import PromptBuilder
    from .retrieve import Retriever, search
    from .store.build import build_index
    from .store.index import Index
    from .store.registry import open_index


def __getattr__(name: str) -> Any:
    if name == "__version__":  # importlib.metadata is slow to import: only when asked
        from ._version import __version__

        return __version__
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'docprompt' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def load_ipython_extension(ip: Any) -> None:
    """``%load_ext docprompt``: the ``%dp_use`` and ``%dp`` / ``%%dp`` magics (see docprompt.magic)."""
    from .magic import load_ipython_extension as load

    load(ip)


def unload_ipython_extension(ip: Any) -> None:
    from .magic import unload_ipython_extension as unload

    unload(ip)

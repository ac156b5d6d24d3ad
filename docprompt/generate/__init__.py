"""Generators: anything with ``generate(prompt, *, stream=False, **options)``.

``prompt`` is a list of chat messages (``{"role": "system"|"user"|"assistant", "content": ...}``)
or a plain string (one user message). ``stream=False`` returns the whole reply as a string;
``stream=True`` returns an iterator of text pieces. Options understood by every backend:
``temperature``, ``max_tokens``, ``stop`` (list of strings), ``num_ctx``, ``seed``, ``timeout``
(seconds). Backends: ``ollama`` (a server, the default when one answers) and ``embedded``
(llama-cpp-python with a GGUF from a registry package, the default otherwise).
"""

from __future__ import annotations

from .base import (
    BACKENDS,
    DEFAULT_OLLAMA_MODEL,
    Generator,
    GeneratorError,
    Messages,
    as_messages,
    get_generator,
    ollama_model,
)

__all__ = [
    "BACKENDS", "DEFAULT_OLLAMA_MODEL", "Generator", "GeneratorError", "Messages", "as_messages",
    "get_generator", "ollama_model",
]  # fmt: skip

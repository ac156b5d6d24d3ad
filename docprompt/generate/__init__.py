"""Generators: anything with ``generate(prompt, *, stream=False, **options)``.

``prompt`` is a list of chat messages (``{"role": "system"|"user"|"assistant", "content": ...}``)
or a plain string (one user message). ``stream=False`` returns the whole reply as a string;
``stream=True`` returns an iterator of text pieces. Options understood by every backend:
``temperature``, ``max_tokens``, ``stop`` (list of strings), ``num_ctx``, ``seed``, ``timeout``
(seconds). Backends: ``ollama`` (a server, the default when one answers) and ``embedded``
(llama-cpp-python with a GGUF from a registry package, the default otherwise).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol, runtime_checkable

from ..errors import DocpromptError

Messages = list[dict[str, str]]


class GeneratorError(DocpromptError):
    """A backend failed in a way the user can fix; the message says how, in one line."""


@runtime_checkable
class Generator(Protocol):
    backend: str  # "ollama" | "embedded" | ...
    model: str

    def generate(
        self, prompt: str | Messages, *, stream: bool = False, **options: Any
    ) -> str | Iterator[str]: ...

    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` in the model's tokenizer (an estimate where none is available)."""
        ...

    @property
    def context_length(self) -> int: ...


def as_messages(prompt: str | Messages) -> Messages:
    return [{"role": "user", "content": prompt}] if isinstance(prompt, str) else prompt

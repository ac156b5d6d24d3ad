"""The generator protocol, its errors, and the factory that picks a backend by name."""

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


BACKENDS = ("auto", "ollama", "embedded")
DEFAULT_OLLAMA_MODEL = "qwen2.5-coder:1.5b"


def get_generator(
    backend: str | None = None, model: str | None = None, *, host: str | None = None, n_ctx: int = 4096
) -> Generator:
    """A generator by backend name. ``auto`` (the default; else ``$DOCPROMPT_BACKEND``, else the
    settings file's ``[generate] backend``) takes Ollama when a server answers and has the
    model, else the embedded model when llama-cpp-python is installed."""
    import os

    from ..config import resolve
    from ..plugins import available

    if backend is not None and backend != "auto" and backend not in available("generators"):
        known = ", ".join(["auto", *sorted(available("generators"))])
        raise GeneratorError(f"unknown backend {backend!r}; choose one of {known}")
    conf = resolve("generate", {"backend": backend})
    backend = conf.backend
    if backend != "auto" and backend not in available("generators"):
        known = ", ".join(["auto", *sorted(available("generators"))])
        raise GeneratorError(f"unknown backend {backend!r}; choose one of {known}")
    if host is None and not os.environ.get("OLLAMA_HOST"):
        host = conf.ollama_host
    if backend == "auto":
        backend = pick_backend(model, host)
    from ..plugins import load

    return load("generators", backend)(model=model, host=host, n_ctx=n_ctx)


def ollama_model(model: str | None = None) -> str:
    """The Ollama model to use: given, else ``$DOCPROMPT_OLLAMA_MODEL``, else the settings file's
    ``[generate] model``, else the default."""
    import os

    from ..config import settings

    env = os.environ.get("DOCPROMPT_OLLAMA_MODEL")
    return model or env or settings().generate.model or DEFAULT_OLLAMA_MODEL


def pick_backend(model: str | None, host: str | None) -> str:
    from ..config import settings
    from . import embedded
    from .ollama import list_models, server_available

    candidate = model or settings().generate.model
    local_model = candidate is not None and (candidate in embedded.PACKAGED or candidate.endswith(".gguf"))
    if not local_model and server_available(host):
        wanted = ollama_model(model)
        try:
            names = list_models(host)
        except GeneratorError:
            names = []
        if wanted in names or f"{wanted}:latest" in names or not embedded.available():
            return "ollama"
    if embedded.available():
        return "embedded"
    raise GeneratorError(
        "no model backend: start an Ollama server (`ollama serve`) or install the embedded model "
        f"with {embedded.INSTALL_HINT}"
    )

"""The Ollama backend: chat with a model served by ``ollama serve`` through the ``ollama`` client.

The host comes from the argument, else ``OLLAMA_HOST``, else ``http://127.0.0.1:11434``. Every
failure a user can fix (no server, model not pulled, too slow, a broken reply) becomes a one-line
:class:`GeneratorError` that says what to do, while streaming as well as for whole replies.

Importing this module is cheap: ``ollama`` (and ``httpx``) are imported where they are used.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from .base import GeneratorError, Messages, as_messages

DEFAULT_HOST = "http://127.0.0.1:11434"
DEFAULT_PORT = 11434
# The window used when neither the caller nor the model says otherwise. It is always sent as
# ``num_ctx`` so the server's window is the one ``context_length`` reports (Ollama's own default
# is smaller than most models' and would silently cut the front of a long prompt).
DEFAULT_NUM_CTX = 4096
CHARS_PER_TOKEN = 3.5  # rough average for English prose and code in BPE vocabularies

# Options every backend understands, mapped to Ollama's names. ``timeout`` is ours (the client's).
_OPTION_NAMES = {
    "temperature": "temperature",
    "max_tokens": "num_predict",
    "stop": "stop",
    "num_ctx": "num_ctx",
    "seed": "seed",
}


def resolve_host(host: str | None = None) -> str:
    """``host``, else ``OLLAMA_HOST``, else the default, as ``scheme://host:port`` (no trailing ``/``)."""
    raw = (host or os.environ.get("OLLAMA_HOST") or DEFAULT_HOST).strip().rstrip("/")
    if "://" not in raw:
        raw = "http://" + raw
    try:
        parts = urlsplit(raw)
        name = parts.hostname or "127.0.0.1"
    except ValueError as e:  # "Invalid IPv6 URL" and the like
        raise GeneratorError(
            f"bad Ollama host {raw!r} ({e}): give it as HOST:PORT, e.g. 127.0.0.1:11434 or [::1]:11434"
        ) from None
    if name == "0.0.0.0":  # what `ollama serve` listens on, not an address to connect to
        name = "127.0.0.1"
    if ":" in name:
        name = f"[{name}]"
    try:
        port = parts.port or (443 if parts.scheme == "https" else DEFAULT_PORT)
    except ValueError:
        raise GeneratorError(f"bad Ollama host {raw!r}: give it as HOST:PORT, e.g. 127.0.0.1:11434") from None
    return f"{parts.scheme}://{name}:{port}{parts.path}"


def server_available(host: str | None = None, timeout: float = 0.5) -> bool:
    """True when an Ollama server answers at ``host`` within ``timeout`` seconds (a refused
    connection returns False at once)."""
    import httpx

    try:
        url = resolve_host(host)
        r = httpx.get(f"{url}/api/version", timeout=timeout)
        return r.status_code == 200 and "version" in r.json()
    except Exception:
        return False


def list_models(host: str | None = None, timeout: float = 10) -> list[str]:
    """Names of the models the server at ``host`` has (``NAME:TAG``), sorted."""
    url = resolve_host(host)
    client = _client(url, timeout)
    try:
        reply = client.list()
    except Exception as e:
        raise _translate(e, url, model=None, timeout=timeout) from None
    return sorted(m.model for m in reply.models if m.model)


def _client(host: str, timeout: float) -> Any:
    import ollama

    return ollama.Client(host=host, timeout=timeout)


def _one_line(text: object, limit: int = 200) -> str:
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _translate(e: BaseException, host: str, model: str | None, timeout: float) -> GeneratorError:
    """The one-line GeneratorError a user can act on for an exception from the client."""
    import httpx
    import ollama

    if isinstance(e, GeneratorError):
        return e
    if isinstance(e, ConnectionError | httpx.ConnectError | httpx.ConnectTimeout):
        return GeneratorError(
            f"no Ollama server at {host}: start it with `ollama serve` or set OLLAMA_HOST, "
            "or use --backend embedded"
        )
    if isinstance(e, httpx.TimeoutException):
        return GeneratorError(
            f"Ollama at {host} did not answer within {timeout:g} s"
            + (f" (model {model})" if model else "")
            + ": raise the timeout (option timeout=SECONDS), shorten the prompt, or use a smaller model"
        )
    if isinstance(e, ollama.ResponseError):
        detail = _one_line(e.error)
        if e.status_code == 404 and model:
            return GeneratorError(f"model {model} is not available on {host}: run `ollama pull {model}`")
        if e.status_code == -1:  # an {"error": ...} line in the middle of a streamed reply
            return GeneratorError(f"Ollama at {host} failed mid-reply: {detail}; see the server log")
        if 400 <= e.status_code < 500:
            return GeneratorError(f"Ollama at {host} refused the request (HTTP {e.status_code}): {detail}")
        return GeneratorError(f"Ollama at {host} failed (HTTP {e.status_code}): {detail}; see the server log")
    if isinstance(e, ValueError | TypeError):
        # bad JSON (json.JSONDecodeError), a reply of the wrong shape (pydantic's ValidationError)
        return GeneratorError(
            f"malformed reply from Ollama at {host} ({type(e).__name__}: {_one_line(e, 120)}): "
            "is OLLAMA_HOST an Ollama server, and is it up to date?"
        )
    if isinstance(e, httpx.HTTPError):
        return GeneratorError(f"connection to Ollama at {host} failed ({type(e).__name__}: {_one_line(e)})")
    return GeneratorError(f"Ollama at {host} failed: {type(e).__name__}: {_one_line(e)}")


def _after(reply: str, prefix: str) -> str:
    """What follows ``prefix``: servers that restart the assistant's turn instead of continuing it
    repeat the prefix first."""
    return reply[len(prefix) :] if prefix and reply.startswith(prefix) else reply


def _strip_echo(pieces: Iterator[str], prefix: str) -> Iterator[str]:
    head = ""
    for piece in pieces:
        if head is None:
            yield piece
            continue
        head += piece
        if len(head) >= len(prefix) or not prefix.startswith(head):
            rest = _after(head, prefix)
            head = None  # type: ignore[assignment]
            if rest:
                yield rest
    if head:
        yield _after(head, prefix)


class OllamaGenerator:
    """A model served by Ollama. ``options`` are defaults for every call (same names as
    :meth:`generate` takes); ``timeout`` is in seconds, per request (for a streamed reply: the
    longest wait for the next piece)."""

    backend = "ollama"

    def __init__(
        self, model: str, host: str | None = None, timeout: float = 120, options: dict[str, Any] | None = None
    ):
        if not model:
            raise GeneratorError("no Ollama model named: pass one, e.g. qwen2.5-coder:1.5b")
        self.model = model
        self.host = resolve_host(host)
        self.options: dict[str, Any] = dict(options or {})
        self.timeout = float(self.options.pop("timeout", timeout))
        self._clients: dict[float, Any] = {}
        self._model_max: int | None = None  # the model's own context, once asked (None: it did not say)
        self._asked = False

    def __repr__(self) -> str:
        return f"OllamaGenerator(model={self.model!r}, host={self.host!r})"

    # -- context ---------------------------------------------------------------------------------

    @property
    def max_context_length(self) -> int | None:
        """The model's trained context (``*.context_length`` in ``ollama show``), or None; cached."""
        if not self._asked:
            try:
                info = self._get_client(self.timeout).show(self.model).modelinfo or {}
            except Exception as e:
                raise _translate(e, self.host, self.model, self.timeout) from None
            found = [v for k, v in info.items() if k.endswith(".context_length") and isinstance(v, int)]
            self._model_max = found[0] if found and found[0] > 0 else None
            self._asked = True
        return self._model_max

    @property
    def context_length(self) -> int:
        """The window prompts are sent with: ``num_ctx`` if given, else the model's context capped at
        DEFAULT_NUM_CTX; never more than the model's own context."""
        model_max = self.max_context_length
        wanted = self.options.get("num_ctx")
        if wanted:
            return min(int(wanted), model_max) if model_max else int(wanted)
        return min(model_max, DEFAULT_NUM_CTX) if model_max else DEFAULT_NUM_CTX

    def count_tokens(self, text: str) -> int:
        """An estimate (len/3.5, rounded up): Ollama exposes no tokenizer endpoint."""
        return math.ceil(len(text) / CHARS_PER_TOKEN) if text else 0

    # -- generation ------------------------------------------------------------------------------

    def _get_client(self, timeout: float) -> Any:
        if timeout not in self._clients:
            self._clients[timeout] = _client(self.host, timeout)
        return self._clients[timeout]

    def _ollama_options(self, options: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in options.items():
            if value is None:
                continue
            key = _OPTION_NAMES.get(name, name)  # Ollama's own names (top_p, repeat_penalty...) pass through
            if key == "stop" and isinstance(value, str):
                value = [value]
            out[key] = value
        return out

    def generate(
        self, prompt: str | Messages, *, stream: bool = False, **options: Any
    ) -> str | Iterator[str]:
        """``prefix``: the reply continues an assistant message that starts with it (the text
        returned is what follows it); ``grammar`` and ``first`` are not supported by Ollama and are ignored;
        ``format``: Ollama's structured-output JSON schema."""
        merged = {**self.options, **options}
        timeout = float(merged.pop("timeout", None) or self.timeout)
        prefix = merged.pop("prefix", None) or ""
        merged.pop("grammar", None)
        merged.pop("first", None)
        fmt = merged.pop("format", None)
        opts = self._ollama_options(merged)
        if "num_ctx" not in opts:
            opts["num_ctx"] = self.context_length
        messages = as_messages(prompt)
        if prefix:
            messages = [*messages, {"role": "assistant", "content": prefix}]
        client = self._get_client(timeout)
        extra = {"format": fmt} if fmt is not None else {}
        if stream:
            return self._stream(client, messages, opts, timeout, prefix, extra)
        try:
            reply = client.chat(model=self.model, messages=messages, options=opts, stream=False, **extra)
            content = reply.message.content
        except Exception as e:
            raise _translate(e, self.host, self.model, timeout) from None
        if content is None:
            raise GeneratorError(f"malformed reply from Ollama at {self.host}: no message content")
        return _after(str(content), prefix)

    def choose(self, prompt: str | Messages, options: list[str], *, prefix: str = "", **settings: Any) -> str:
        """The one of ``options`` the model picks, held to them by a JSON-schema enum."""
        import json

        schema = {"type": "object", "properties": {"answer": {"enum": list(dict.fromkeys(options))}},
                  "required": ["answer"]}  # fmt: skip
        messages = as_messages(prompt)
        if prefix:  # say in words what the prefix would have started
            messages = [
                *messages[:-1],
                {**messages[-1], "content": messages[-1]["content"] + f"\n\n{prefix}"},
            ]
        rest = {k: v for k, v in settings.items() if k not in ("max_tokens", "temperature")}
        reply = self.generate(messages, format=schema, temperature=0.0, max_tokens=32, **rest)
        try:
            answer = json.loads(str(reply)).get("answer")
        except (ValueError, AttributeError):
            answer = None
        return answer if answer in options else options[0]

    def _stream(
        self, client: Any, messages: Messages, opts: dict[str, Any], timeout: float, prefix: str, extra: dict
    ) -> Iterator[str]:
        """Ask for the reply and wait for its first piece here, so that a missing server or model
        raises from ``generate`` itself; later failures raise from the iterator, the same errors."""
        try:
            parts = iter(client.chat(model=self.model, messages=messages, options=opts, stream=True, **extra))
            first = next(parts, None)
        except Exception as e:
            raise _translate(e, self.host, self.model, timeout) from None
        pieces = self._pieces(first, parts, timeout)
        return _strip_echo(pieces, prefix) if prefix else pieces

    def _pieces(self, first: Any, parts: Iterator[Any], timeout: float) -> Iterator[str]:
        part = first
        try:
            while part is not None:
                content = part.message.content
                if content is None and not part.done:
                    raise GeneratorError(f"malformed reply from Ollama at {self.host}: no message content")
                if content:
                    yield content
                part = next(parts, None)
        except Exception as e:
            raise _translate(e, self.host, self.model, timeout) from None

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()


def from_settings(model: str | None = None, host: str | None = None, n_ctx: int = 4096) -> OllamaGenerator:
    """The Ollama backend as ``get_generator`` builds it (model: given, env, settings, default)."""
    from .base import ollama_model

    return OllamaGenerator(ollama_model(model), host=host)

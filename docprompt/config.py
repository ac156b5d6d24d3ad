"""Where docprompt keeps its data, and the settings users may write (validated, unknown keys refused)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import BadInput
from .kinds import Fusion, Mode

DEFAULT_EMBEDDER = "all-MiniLM-L6-v2"


def home() -> Path:
    """``$DOCPROMPT_HOME``, else the platform's user data dir (e.g. ``~/.local/share/docprompt``)."""
    env = os.environ.get("DOCPROMPT_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("docprompt", appauthor=False))


def indexes_dir() -> Path:
    return home() / "indexes"


def models_dir() -> Path:
    return home() / "models"


class BuildSettings(BaseModel):
    """How an index is built; recorded in its manifest."""

    model_config = ConfigDict(extra="forbid")

    embedder: str = DEFAULT_EMBEDDER
    chunk_size: int = Field(default=900, ge=100, le=20000, description="characters per chunk")
    chunk_overlap: int = Field(default=120, ge=0, le=5000)
    bm25_k1: float = Field(default=1.5, gt=0)
    bm25_b: float = Field(default=0.75, ge=0, le=1)
    hnsw_threshold: int = Field(
        default=200_000, ge=1, description="use an HNSW dense index from this many chunks on"
    )
    max_file_bytes: int = Field(default=5_000_000, ge=1)
    entry_text: Literal["whole", "summary"] = Field(
        default="whole",
        description="what an API entry is embedded as: its name and first doc sentence, or its whole text",
    )
    batch_size: int = Field(default=64, ge=1)
    onnx_precision: Literal["int8", "fp32"] = Field(
        default="int8",
        description="graph that embeds documents and queries: int8 (dynamic quantization) or fp32",
    )
    # Where the index lives: local files, or a Milvus collection (server URL or Milvus Lite file).
    # The token is never recorded: it comes from --token or $DOCPROMPT_MILVUS_TOKEN.
    store: Literal["local", "milvus"] = "local"
    uri: str | None = Field(default=None, description="Milvus URI (store = milvus)")
    collection: str | None = Field(default=None, description="Milvus collection [docprompt_NAME]")

    @model_validator(mode="after")
    def _overlap_fits(self) -> BuildSettings:
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError(
                f"chunk_overlap ({self.chunk_overlap}) must be smaller than chunk_size ({self.chunk_size})"
            )
        return self


class SearchSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Mode = "hybrid"
    fusion: Fusion = "rrf"
    k: int = Field(default=5, ge=1, le=1000)
    sparse_weight: float = Field(default=0.5, ge=0, le=1)
    rrf_c: int = Field(default=60, ge=1)
    fetch_factor: int = Field(default=10, ge=1, le=1000)
    pages: int = Field(default=5, ge=1, le=100, description="pages kept by two-stage retrieval")
    page_weight: float = Field(default=0.5, ge=0, le=1)


class GenerateSettings(BaseModel):
    """How ``ask``, ``dp`` and the magic generate (CLI options and env vars win over these)."""

    model_config = ConfigDict(extra="forbid")

    backend: str = Field(default="auto", description="auto, ollama, embedded, or a plugin's backend")

    @field_validator("backend")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        from .plugins import available

        known = ["auto", *sorted(available("generators"))]
        if value not in known:
            raise ValueError(f"unknown backend {value!r}; choose one of {', '.join(known)}")
        return value

    model: str | None = Field(default=None, description="Ollama model, embedded model name or .gguf path")
    ollama_host: str | None = None
    weights: Literal["fastest", "packaged"] = Field(
        default="fastest",
        description="embedded packaged models: as they run fastest on CPUs (the 0.5B as Q8_0) or as packaged",
    )
    k: int = Field(default=5, ge=0, le=50, description="docs in the prompt")
    examples: int = Field(default=3, ge=0, le=20, description="few-shot examples in the prompt")
    max_tokens: int = Field(default=256, ge=16, le=4096)
    verify: bool = True
    # the answer stage (docs/generation.md)
    samples: int = Field(
        default=3, ge=1, le=10, description="answers sampled at most; the best-verified wins"
    )
    samples_until: Literal["all", "verified"] = Field(
        default="verified", description="stop at the first sample that verifies with no issue, or draw all"
    )
    repair_rounds: int = Field(default=2, ge=0, le=5, description="model rounds after the docs' own fixes")
    time_budget: float = Field(default=30.0, gt=0, description="seconds the repair rounds may take")
    command_first: bool = Field(default=True, description="Bash: choose the command, then write it")
    draft: bool = Field(default=False, description="Bash: a draft without docs proposes a command")
    choice: Literal["channel", "model", "first"] = Field(
        default="channel",
        description="Bash: who picks the command: the likeliest card, the model, or the first",
    )
    choice_evidence: bool = Field(
        default=False, description="Bash: each candidate's best-matching example or option in the choice"
    )
    draft_sample: bool = Field(default=False, description="Bash: the draft competes with the written answers")
    candidates: int = Field(default=5, ge=1, le=20, description="Bash: commands the choice is made among")
    command_start: bool = Field(
        default=True, description="Bash: the reply must start as a command line (embedded model)"
    )
    fill_placeholders: bool = Field(default=True, description="Bash: the request's values into placeholders")
    unsaid_placeholders: bool = Field(
        default=True, description="Bash: a value the answer makes up (not in the request) as a placeholder"
    )
    members: bool = Field(
        default=True,
        description="Python: after a notebook variable of a documented class, only its documented members",
    )
    given_examples: bool = Field(
        default=True, description="Python: show only examples whose string values the request gives"
    )
    card_examples: bool = Field(
        default=True, description="Python: the examples of the carded functions first, then retrieval's"
    )
    class_members: bool = Field(
        default=False,
        description="Python: class cards list their members; a factory's card brings the class it makes",
    )
    builder_chains: bool = Field(
        default=True, description="Python: a function that returns a builder shows the builder's setters"
    )
    steps: bool = Field(
        default=True,
        description="Python: a request of several steps gets each step's best API entry among its cards",
    )
    filters: bool = Field(
        default=True, description="Python: the request's conditions written in the docs' filter language"
    )
    file_cards: bool = Field(
        default=True,
        description="Python: a file the request names brings the functions taking a path whose docs name it",
    )
    maker_cards: bool = Field(
        default=True,
        description="Python: a carded call's parameter of a documented class brings the function making one",
    )
    lookups: bool = Field(
        default=True, description="Python: a thing the request names by key, looked up as the docs do"
    )
    api_style: Literal["auto", "cards", "stub"] = Field(
        default="auto",
        description="Python: the API in the prompt as a Python stub, or as a line per entry; auto: cards "
        "for a 0.5B model, a stub for larger ones",
    )
    prefill_imports: bool = Field(default=False, description="Python: reply starts with the docs' imports")
    reference_docs: Literal["check", "prompt"] = Field(
        default="check",
        description="Python, a reference (DevDocs): its entries check the answer, or are in the prompt too",
    )
    copied_values: bool = Field(
        default=True,
        description="Python: a string copied from a docs example, not in the request, is a problem",
    )
    meant_members: bool = Field(
        default=True,
        description="Python: an enum member other than the one the request names by the docs' word is fixed; "
        "one it names so and the code leaves out is a problem",
    )
    actions: bool = Field(
        default=True,
        description="Python: what the request says to do to a variable's things (\"Quarantine every lot\"), "
        "by the one documented method that does it, is a problem where the code never calls it",
    )
    unused_inputs: bool = Field(
        default=True,
        description="Python: a variable or a number the request gives that the code never uses is wrong",
    )
    handwritten_values: bool = Field(
        default=True,
        description="Python: a requested variable set to a number the request does not give is a problem",
    )


class Settings(BaseModel):
    """``$DOCPROMPT_HOME/config.toml`` (or ``$DOCPROMPT_CONFIG``): [build], [search], [generate]."""

    model_config = ConfigDict(extra="forbid")

    build: BuildSettings = Field(default_factory=BuildSettings)
    search: SearchSettings = Field(default_factory=SearchSettings)
    generate: GenerateSettings = Field(default_factory=GenerateSettings)


def config_path() -> Path:
    env = os.environ.get("DOCPROMPT_CONFIG")
    return Path(env).expanduser() if env else home() / "config.toml"


_CACHE: dict[tuple[str, float], Settings] = {}


def settings() -> Settings:
    """The user's settings file, validated (a bad key or value is a one-line error); defaults
    when there is none. Read again only when the file changes."""
    path = config_path()
    try:
        stamp = path.stat().st_mtime
    except OSError:
        if os.environ.get("DOCPROMPT_CONFIG"):
            raise BadInput(f"DOCPROMPT_CONFIG points to {path}, which does not exist") from None
        return Settings()
    key = (str(path), stamp)
    if key not in _CACHE:
        try:
            import tomllib
        except ImportError:  # Python 3.10
            import tomli as tomllib
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            raise BadInput(f"{path}: not a valid TOML file: {e}") from None
        _CACHE[key] = validated(Settings, data, str(path))  # type: ignore[assignment]
    return _CACHE[key]


def validated(model: type[BaseModel], data: dict, what: str) -> BaseModel:
    """Validate user-written settings; a bad key or value is one line naming it."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        raise BadInput(f"{what}: {loc}: {msg}" if loc else f"{what}: {msg}") from None


# Environment variables, per setting (CLI options win over them; they win over the file).
ENV = {
    ("generate", "backend"): "DOCPROMPT_BACKEND",
    ("generate", "model"): "DOCPROMPT_MODEL",
    ("generate", "ollama_host"): "OLLAMA_HOST",
    ("generate", "k"): "DOCPROMPT_K",
    ("generate", "examples"): "DOCPROMPT_EXAMPLES",
    ("generate", "max_tokens"): "DOCPROMPT_MAX_TOKENS",
    ("search", "mode"): "DOCPROMPT_SEARCH_MODE",
    ("build", "embedder"): "DOCPROMPT_EMBEDDER",
}
_MODELS: dict[str, type[BaseModel]] = {
    "build": BuildSettings,
    "search": SearchSettings,
    "generate": GenerateSettings,
}


def resolve(
    section: Literal["build", "search", "generate"],
    given: Mapping[str, Any] | None = None,
    tuned: Mapping[str, Any] | None = None,
) -> Any:
    """A section's settings, each key from the first place that sets it: ``given`` (CLI options
    and call arguments; None means not given) -> environment (``ENV``) -> the settings file
    (keys written there) -> ``tuned`` (an index's tuned search defaults) -> built-in default.

    Every surface (CLI, ``DocPrompt``, the magic, ``dp``) resolves its settings here."""
    model = _MODELS[section]
    written = getattr(settings(), section)
    layers: list[tuple[str, Mapping[str, Any]]] = [
        ("option", {k: v for k, v in (given or {}).items() if v is not None}),
        (
            "environment",
            {k: os.environ[var] for (sec, k), var in ENV.items() if sec == section and os.environ.get(var)},
        ),
        (str(config_path()), {k: getattr(written, k) for k in written.model_fields_set}),
        ("index", {k: v for k, v in (tuned or {}).items() if k in model.model_fields}),
    ]
    out: dict[str, Any] = {}
    for key in model.model_fields:
        for _, layer in layers:
            if key in layer:
                out[key] = layer[key]
                break
    return validated(model, out, f"[{section}] settings")

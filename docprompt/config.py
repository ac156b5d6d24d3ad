"""Where docprompt keeps its data, and the settings users may write (validated, unknown keys refused)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import BadInput

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
    batch_size: int = Field(default=64, ge=1)
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

    mode: Literal["hybrid", "sparse", "dense", "two-stage"] = "hybrid"
    fusion: Literal["rrf", "convex"] = "rrf"
    k: int = Field(default=5, ge=1, le=1000)
    sparse_weight: float = Field(default=0.5, ge=0, le=1)
    rrf_c: int = Field(default=60, ge=1)
    fetch_factor: int = Field(default=10, ge=1, le=1000)


class GenerateSettings(BaseModel):
    """How ``ask``, ``dp`` and the magic generate (CLI options and env vars win over these)."""

    model_config = ConfigDict(extra="forbid")

    backend: Literal["auto", "ollama", "embedded"] = "auto"
    model: str | None = Field(default=None, description="Ollama model, embedded model name or .gguf path")
    ollama_host: str | None = None
    k: int = Field(default=5, ge=0, le=50, description="docs in the prompt")
    examples: int = Field(default=3, ge=0, le=20, description="few-shot examples in the prompt")
    max_tokens: int = Field(default=256, ge=16, le=4096)
    verify: bool = True


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

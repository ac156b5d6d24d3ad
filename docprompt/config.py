"""Where docprompt keeps its data, and the settings users may write (validated, unknown keys refused)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

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


class SearchSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Literal["hybrid", "sparse", "dense"] = "hybrid"
    fusion: Literal["rrf", "convex"] = "rrf"
    k: int = Field(default=5, ge=1, le=1000)
    sparse_weight: float = Field(default=0.5, ge=0, le=1)
    rrf_c: int = Field(default=60, ge=1)
    fetch_factor: int = Field(default=10, ge=1, le=1000)


def validated(model: type[BaseModel], data: dict, what: str) -> BaseModel:
    """Validate user-written settings; a bad key or value is one line naming it."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or "(root)"
        raise BadInput(f"{what}: {loc}: {err['msg']}") from None

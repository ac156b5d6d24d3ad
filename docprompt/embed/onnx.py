"""Query-time embedder: the ONNX export of a sentence-transformers model (no torch import)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from ..errors import IndexCorrupt


class OnnxEmbedder:
    backend = "onnx"

    def __init__(self, folder: Path, name: str | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        try:
            self.config = json.loads((folder / "embedder.json").read_text())
            self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = min(4, os.cpu_count() or 1)
            opts.log_severity_level = 3
            self.session = ort.InferenceSession(
                str(folder / "model.onnx"), opts, providers=["CPUExecutionProvider"]
            )
        except Exception as e:  # noqa: BLE001 - any failure here means a damaged export
            raise IndexCorrupt(
                f"query embedder in {folder} is unreadable ({type(e).__name__}); "
                "rebuild the index with `docprompt index build`"
            ) from None
        self.name = name or self.config["name"]
        self.tokenizer.enable_truncation(max_length=int(self.config["max_seq_length"]))
        self.tokenizer.enable_padding(pad_id=int(self.config["pad_token_id"]))
        self.inputs = list(self.config["inputs"])

    @property
    def dim(self) -> int:
        return int(self.config["dim"])

    def embed(self, texts: list[str], *, batch_size: int = 64, progress=None) -> np.ndarray:
        from .base import embed_by_length

        return embed_by_length(self._encode, texts, self.dim, batch_size, progress)

    def _encode(self, batch: list[str]) -> np.ndarray:
        encs = self.tokenizer.encode_batch(batch)
        ids = np.array([e.ids for e in encs], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.inputs:
            feed["token_type_ids"] = np.array([e.type_ids for e in encs], dtype=np.int64)
        hidden = self.session.run(None, feed)[0]
        if self.config["pooling"] == "cls":
            vec = hidden[:, 0]
        else:
            m = mask[:, :, None].astype(np.float32)
            vec = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        if self.config["normalize"]:
            vec = vec / np.clip(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12, None)
        return vec

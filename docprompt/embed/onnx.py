"""The ONNX export of a sentence-transformers model (no torch import): every index's queries, and
its documents at build time. ``quantize`` makes the int8 form (onnxruntime's dynamic
quantization, weights per channel): ~4x smaller and faster on CPUs, measured in docs/benchmarks.md."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from ..errors import IndexCorrupt

PROJECTION = "projection.npy"  # written by st.export_onnx: the dense layers after pooling


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
        self.query_prompt = str(self.config.get("query_prompt") or "")
        self.document_prompt = str(self.config.get("document_prompt") or "")
        self.projection = None
        if self.config.get("projection"):
            try:
                self.projection = np.load(folder / PROJECTION, allow_pickle=False)
            except Exception:  # noqa: BLE001
                raise IndexCorrupt(f"{folder / PROJECTION} is unreadable; rebuild the index with "
                                   "`docprompt index build`") from None  # fmt: skip

    @property
    def precision(self) -> str:
        """``fp32`` (the export) or ``int8`` (its dynamic quantization)."""
        return str(self.config.get("precision", "fp32"))

    @property
    def export(self) -> str:
        """Which graph this is, as an index's manifest records it (``onnx-int8``, ``onnx-fp32``)."""
        return f"onnx-{self.precision}"

    @property
    def dim(self) -> int:
        return int(self.config["dim"])

    def embed(self, texts: list[str], *, batch_size: int = 64, progress=None) -> np.ndarray:
        from .base import embed_by_length

        if self.document_prompt:
            texts = [self.document_prompt + t for t in texts]
        return embed_by_length(self._encode, texts, self.dim, batch_size, progress)

    def embed_query(self, text: str) -> np.ndarray:
        """A query's vector (after the model's query prompt, where it has one)."""
        return self._encode([self.query_prompt + text])[0]

    def _encode(self, batch: list[str]) -> np.ndarray:
        encs = self.tokenizer.encode_batch(batch)
        if self.precision == "int8" and len(encs) > 1:
            # Dynamic quantization scales activations by the range of the whole input tensor,
            # so a text's vector would depend on the texts (and padding) batched with it. One
            # text per run gives each paragraph exactly the vector its text gets as a query, and
            # costs nothing measurable on a CPU (docs/benchmarks.md).
            return np.concatenate([self._run([e], sum(e.attention_mask)) for e in encs])
        return self._run(encs)

    def _run(self, encs, length: int | None = None) -> np.ndarray:
        """Vectors of tokenized texts; ``length`` cuts one text's padding off."""
        cut = slice(None, length)
        ids = np.array([e.ids[cut] for e in encs], dtype=np.int64)
        mask = np.array([e.attention_mask[cut] for e in encs], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.inputs:
            feed["token_type_ids"] = np.array([e.type_ids[cut] for e in encs], dtype=np.int64)
        hidden = self.session.run(None, feed)[0]
        if self.config["pooling"] == "cls":
            vec = hidden[:, 0]
        else:
            m = mask[:, :, None].astype(np.float32)
            vec = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        if self.projection is not None:
            vec = vec @ self.projection[:-1] + self.projection[-1]
        if self.config["normalize"]:
            vec = vec / np.clip(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12, None)
        return vec


def precision_of(folder: Path) -> str | None:
    """The precision of the export in ``folder`` (None: no readable export there)."""
    try:
        config = json.loads((folder / "embedder.json").read_text())
    except (OSError, ValueError):
        return None
    if not (folder / "model.onnx").exists() or not isinstance(config, dict):
        return None
    return str(config.get("precision", "fp32"))


def graph_hash(folder: Path) -> str:
    """A short hash of ``model.onnx``'s bytes: two exports with one hash give the same vectors."""
    import hashlib

    h = hashlib.sha256()
    with open(folder / "model.onnx", "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def quantize(src: Path, dest: Path) -> None:
    """Write the int8 form of the fp32 export in ``src`` to ``dest`` (a new folder).

    Dynamic quantization: weights int8 per output channel, activations quantized per batch at
    run time. Per-channel weights keep the vectors at cosine ~0.99 to fp32 where per-tensor
    weights drop to ~0.95 (measured on man-page and DevDocs paragraphs).
    """
    import logging
    import shutil

    from onnxruntime.quantization import QuantType, quantize_dynamic

    dest.mkdir(parents=True)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # its advice to pre-process the graph is for static quantization
    try:
        quantize_dynamic(
            str(src / "model.onnx"),
            str(dest / "model.onnx"),
            weight_type=QuantType.QInt8,
            per_channel=True,
            extra_options={"DefaultTensorType": 1},  # FLOAT: shape inference misses some MatMul outputs
        )
    finally:
        root.setLevel(level)
    shutil.copyfile(src / "tokenizer.json", dest / "tokenizer.json")
    if (src / PROJECTION).exists():
        shutil.copyfile(src / PROJECTION, dest / PROJECTION)
    config = json.loads((src / "embedder.json").read_text())
    config["precision"] = "int8"
    (dest / "embedder.json").write_text(json.dumps(config, indent=2))

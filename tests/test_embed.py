import numpy as np
import pytest

from docprompt.embed import get_embedder
from docprompt.embed.onnx import OnnxEmbedder
from docprompt.errors import BadInput, IndexCorrupt

TEXTS = [
    "extract a gzipped archive",
    "tar xzf {{source.tar.gz}} -C {{directory}}",
    "pandas.DataFrame.groupby(by=None, axis=0) Group DataFrame using a mapper or by a Series of columns.",
    "x",
    "A long paragraph. " * 200,  # past the 256-token limit: both sides truncate alike
]


@pytest.mark.model
def test_onnx_query_path_matches_sentence_transformers(minilm_onnx):
    st, folder = minilm_onnx
    onnx = OnnxEmbedder(folder)
    a = st.embed(TEXTS)
    b = onnx.embed(TEXTS, batch_size=2)  # batches with padding
    assert a.shape == b.shape == (len(TEXTS), 384)
    cos = (a * b).sum(axis=1)
    assert cos.min() >= 0.999, cos
    assert np.allclose(np.linalg.norm(b, axis=1), 1, atol=1e-5)


def test_damaged_onnx_export_is_a_clear_error(tmp_path):
    (tmp_path / "embedder.json").write_text("{}")
    (tmp_path / "model.onnx").write_bytes(b"not a model")
    with pytest.raises(IndexCorrupt, match="rebuild the index"):
        OnnxEmbedder(tmp_path)


def test_hashing_embedder_is_normalised_and_deterministic():
    e = get_embedder("hash:128")
    a, b = e.embed(["tar archive", "tar archive"]), e.embed(["tar archive"])
    assert np.allclose(a[0], b[0]) and abs(np.linalg.norm(a[0]) - 1) < 1e-6


def test_bad_model_folder(tmp_path):
    with pytest.raises(BadInput, match="not a sentence-transformers model folder"):
        get_embedder(str(tmp_path))


def test_ollama_embedder_without_server(monkeypatch):
    monkeypatch.setenv("OLLAMA_HOST", "127.0.0.1:9")  # discard port: nothing listens
    e = get_embedder("ollama:nomic-embed-text")
    with pytest.raises(BadInput, match="no Ollama server answers"):
        e.embed(["x"])

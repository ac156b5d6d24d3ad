"""The embedding cache (issue #11, item 10): no paragraph embedded twice by the same embedder,
builds that fail or are killed resume, and the cache never fails a build."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from docprompt.cli import main
from docprompt.config import BuildSettings
from docprompt.embed.hashing import HashingEmbedder
from docprompt.indexers.files import FilesIndexer
from docprompt.retrieve import search
from docprompt.store import embcache, registry
from docprompt.store.build import build_index
from docprompt.store.index import Index
from docprompt.store.vectors import _cache_identity, _vectors_tag

from .faults import cache_rows
from .helpers import build


class Counting(HashingEmbedder):
    """``hash:DIM`` that counts what it embeds, and fails on the batch ``fail_at`` when set."""

    def __init__(self, dim: int = 64, fail_at: int | None = None):
        super().__init__(dim)
        self.texts = 0
        self.batches = 0
        self.fail_at = fail_at

    def embed(self, texts, **kw):
        self.batches += 1
        if self.fail_at is not None and self.batches == self.fail_at:
            raise RuntimeError("the embedder died")
        self.texts += len(texts)
        return super().embed(texts, **kw)


def _build(name: str, folder: Path, embedder=None, **settings):
    idx = FilesIndexer([folder])
    return build_index(
        registry.path_of(name), idx.iter_documents(), name=name,
        settings=BuildSettings(embedder="hash:64", **settings), embedder=embedder,
    )  # fmt: skip


def _pages(folder: Path, n: int = 30) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"p{i}.md").write_text(f"# page {i}\n\nparagraph {i} about archives number {i * 7}\n")
    return folder


def test_a_second_index_of_the_same_paragraphs_embeds_none_of_them(docs):
    first = build("a", docs)
    assert first.counts["embedded"] == first.counts["chunks"] and first.counts["from_cache"] == 0
    second = build("b", docs)  # another index: before the cache, everything was embedded again
    assert second.counts["embedded"] == 0 and second.counts["from_cache"] == second.counts["chunks"]
    q = "extract a gzipped archive"
    ha, hb = search(registry.open_index("a"), q, k=3), search(registry.open_index("b"), q, k=3)
    assert [(h.chunk.id, h.score) for h in ha] == [(h.chunk.id, h.score) for h in hb]


def test_only_new_paragraphs_are_embedded_on_a_rebuild(tmp_path):
    folder = _pages(tmp_path / "src")
    _build("t", folder)
    (folder / "p3.md").write_text("# page 3\n\nnow about compression\n")
    (folder / "new.md").write_text("# new\n\nsomething else entirely\n")
    counting = Counting()
    m = _build("other", folder, embedder=counting)  # another name: nothing from the old index
    assert counting.texts == 2 and m.counts["embedded"] == 2 and m.counts["from_cache"] == 29


def test_a_build_that_fails_midway_keeps_what_it_embedded(tmp_path):
    folder = _pages(tmp_path / "src")
    with pytest.raises(RuntimeError, match="died"):
        _build("t", folder, embedder=Counting(fail_at=5), batch_size=4)
    assert not registry.path_of("t").exists()
    again = Counting()
    m = _build("t", folder, embedder=again, batch_size=4)
    assert again.texts == 30 - 4 * 4 and m.counts["from_cache"] == 16  # 4 batches of 4 were saved


def test_vectors_from_the_cache_are_the_embedders_own(tmp_path):
    folder = _pages(tmp_path / "src")
    _build("t", folder)
    _build("u", folder)
    idx = Index(registry.path_of("u"))
    keys = idx.store.vec_keys()
    vectors = idx.dense.vectors()
    rows = cache_rows()
    assert set(keys) <= set(rows)
    for k, row in keys.items():
        assert np.array_equal(vectors[row], rows[k])


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCPROMPT_EMBED_CACHE_MB", "0")
    folder = _pages(tmp_path / "src")
    _build("a", folder)
    m = _build("b", folder)
    assert m.counts["embedded"] == 30 and not embcache.files()
    monkeypatch.setenv("DOCPROMPT_EMBED_CACHE_MB", "lots")
    with pytest.raises(Exception, match="DOCPROMPT_EMBED_CACHE_MB"):
        _build("c", folder)


def test_a_corrupt_cache_file_is_set_aside_and_the_build_goes_on(tmp_path):
    folder = _pages(tmp_path / "src")
    _build("a", folder)
    [f] = embcache.files()
    f.path.write_bytes(b"this is not a database" * 100)
    for side in (f.path.with_name(f.path.name + "-wal"), f.path.with_name(f.path.name + "-shm")):
        side.unlink(missing_ok=True)
    m = _build("b", folder)
    assert m.counts["embedded"] == 30  # nothing could be read, nothing failed
    assert f.path.with_name(f.path.name + ".bad").exists()
    assert _build("c", folder).counts["embedded"] == 0  # and the new file works


def test_a_cache_file_of_another_dimension_is_not_read(tmp_path):
    folder = _pages(tmp_path / "src")
    m = _build("a", folder)
    identity = "hash:64|hashing|" + m.bm25.tokenizer
    cache = embcache.EmbeddingCache(embcache.file_for(identity), identity, 32)  # a wrong dim
    assert "dim 64" in (cache.broken or "") and cache.enabled and cache.count() == 0  # a new file
    cache.close()
    assert _build("b", folder).counts["embedded"] == 30  # that file was set aside in turn


def test_the_cache_is_trimmed_to_its_cap_oldest_embedders_first(tmp_path, monkeypatch):
    folder = _pages(tmp_path / "src", n=60)
    for dim in (1024, 2048):  # 4 kB and 8 kB a vector: 0.25 and 0.5 MB
        _build(f"d{dim}", folder, embedder=HashingEmbedder(dim))
        os.utime(embcache.files()[0].path, (1, 1))  # long unused
    assert len(embcache.files()) == 2
    monkeypatch.setenv("DOCPROMPT_EMBED_CACHE_MB", "1")
    _build("d4096", folder, embedder=HashingEmbedder(4096))  # 16 kB a vector: ~1 MB
    left = embcache.files()
    assert sum(f.bytes for f in left) <= 1_000_000
    assert [f.identity.split("|")[0] for f in left] == ["hash:4096"]
    assert 0 < left[0].vectors < 60  # its own rows were trimmed to fit, the least used first


def test_cache_identity_follows_the_graph(tmp_path):
    from docprompt.models import EmbedderInfo

    class Fake:
        backend = "onnx"

        def __init__(self, export):
            self.export = export

    a, b = tmp_path / "a", tmp_path / "b"
    for d, data in ((a, b"graph one"), (b, b"graph two")):
        d.mkdir()
        (d / "model.onnx").write_bytes(data)
    one = _cache_identity("m", Fake("onnx-int8"), a)
    assert one != _cache_identity("m", Fake("onnx-int8"), b)  # another graph, another cache
    assert one != _cache_identity("m", Fake("onnx-fp32"), a)
    assert one == _cache_identity("m", Fake("onnx-int8"), a)
    # an index built before `export` was recorded, with ONNX, was embedded by the fp32 graph
    assert _vectors_tag(EmbedderInfo(name="m", dim=3, backend="onnx")) == "onnx-fp32"
    assert _vectors_tag(EmbedderInfo(name="m", dim=3, backend="onnx", export="onnx-int8")) == "onnx-int8"
    assert _vectors_tag(EmbedderInfo(name="hash:64", dim=64, backend="hashing")) == "hashing"


def test_cache_info_and_clear(tmp_path):
    folder = _pages(tmp_path / "src")
    _build("a", folder)
    out = CliRunner().invoke(main, ["cache", "info", "--json"])
    assert out.exit_code == 0, out.output
    info = json.loads(out.output)
    assert info["files"][0]["vectors"] == 30 and info["files"][0]["embedder"].startswith("hash:64|")
    out = CliRunner().invoke(main, ["cache", "clear", "-y"])
    assert out.exit_code == 0 and "deleted 30 vectors" in out.output
    assert not embcache.files()
    assert _build("b", folder).counts["embedded"] == 30


@pytest.mark.model
def test_int8_export_embeds_documents_and_queries_and_is_recorded(minilm_onnx, tmp_path, docs):
    """The default build quantizes the export once, embeds documents and queries through that one
    graph, and says so in the manifest; fp32 stays available and agrees closely."""
    from docprompt.embed.onnx import OnnxEmbedder

    emb, _ = minilm_onnx
    m8 = build("q8", docs, embedder="all-MiniLM-L6-v2")
    m32 = build("q32", docs, embedder="all-MiniLM-L6-v2", onnx_precision="fp32")
    assert m8.embedder.export == "onnx-int8" and m32.embedder.export == "onnx-fp32"
    assert m32.counts["from_cache"] == 0  # int8 vectors are never reused for an fp32 index
    i8, i32 = registry.open_index("q8"), registry.open_index("q32")
    assert OnnxEmbedder(i8.path / "embedder").precision == "int8"
    assert (i8.path / "embedder" / "model.onnx").stat().st_size < (
        i32.path / "embedder" / "model.onnx"
    ).stat().st_size / 3
    keys, vectors = i8.store.vec_keys(), i8.dense.vectors()
    chunk = next(c for _, c in i8.store.chunks())
    from docprompt.chunking import search_text
    from docprompt.models import content_hash

    text = search_text(chunk.title, chunk.text)
    assert np.allclose(i8.embed_query(text), vectors[keys[content_hash(text)]], atol=1e-5)  # one graph
    alone = i8.query_embedder.embed([text])[0]  # and a text's vector does not depend on its batch
    assert np.allclose(alone, i8.query_embedder.embed(["a much longer neighbour " * 40, text])[1], atol=1e-6)
    assert float(i8.embed_query(text) @ i32.embed_query(text)) > 0.97
    assert search(i8, "extract a gzipped archive", k=1)[0].chunk.title == "tar"

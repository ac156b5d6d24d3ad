import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from docprompt.embed.hashing import HashingEmbedder
from docprompt.errors import IndexCorrupt, IndexIncompatible, IndexNotFound
from docprompt.retrieve import search
from docprompt.store import layout, registry

from .helpers import build


def titles(hits):
    return [h.chunk.title for h in hits]


def test_build_and_search(docs, backend):
    m = build("t", docs, **backend.settings("t"))
    assert m.counts["documents"] == 5 and m.counts["chunks"] >= 5
    assert m.embedder.name == "hash:64" and m.dense_index == "flat" and m.store == backend.name
    idx = registry.open_index("t")
    for mode in ("hybrid", "sparse", "dense"):
        hits = search(idx, "extract a gzipped archive", k=3, mode=mode)
        assert titles(hits)[0] == "tar", mode
    # Fused by the retriever (always for a local index; for Milvus when the server cannot
    # weigh RRF's sides), each hit keeps both sides' ranks.
    hit = search(idx, "extract a gzipped archive", k=1, sparse_weight=0.6)[0]
    assert hit.sparse_rank == 1 and hit.dense_rank == 1 and "sparse #1" in hit.explain()
    hit = search(idx, "extract a gzipped archive", k=1)[0]
    if backend.name == "milvus":  # fused on the server: the fused score only
        assert hit.sparse_rank is None and "by the store's server" in hit.explain()
    assert hit.score == pytest.approx(1 / 61)  # RRF, both sides ranking it first, weights 0.5


def test_layout_is_a_link_to_a_build_dir(docs, home):
    build("t", docs)
    path = registry.path_of("t")
    assert path.is_symlink()
    for f in (layout.MANIFEST, layout.CHUNKS, layout.DENSE, layout.SPARSE):
        assert (path / f).exists()
    manifest = json.loads((path / layout.MANIFEST).read_text())
    assert manifest["format_version"] == layout.FORMAT_VERSION
    assert manifest["bm25"] == {"k1": 1.5, "b": 0.75, "method": "lucene", "tokenizer": "code-v1"}
    assert {s["path"] for s in manifest["sources"]} == {str(p) for p in docs.rglob("*.*")}
    assert not any(p.suffix == ".pkl" or p.suffix == ".pickle" for p in path.rglob("*"))


def test_vectors_are_reused_from_a_sibling_index(docs, backend):
    from docprompt.config import BuildSettings
    from docprompt.indexers.files import FilesIndexer
    from docprompt.store.build import build_index

    first = build("a", docs, **backend.settings("a"))
    (docs / "new.md").write_text("# new\n\nSomething not seen before.\n")
    idx = FilesIndexer([docs])
    settings = BuildSettings(embedder="hash:64", **backend.settings("b"))
    donor = [registry.path_of("a")]
    other = build_index(registry.path_of("b"), idx.iter_documents(), settings=settings, reuse_from=donor)
    assert other.counts["reused_vectors"] == first.counts["chunks"] and other.counts["embedded"] == 1


def test_rebuild_reembeds_only_changed_chunks_and_drops_removed_files(docs, backend):
    first = build("t", docs, **backend.settings("t"))
    assert first.counts["embedded"] == first.counts["chunks"]
    (docs / "grep.md").write_text("# grep\n\n> Search text for a regular expression.\n")
    (docs / "readme.txt").unlink()
    second = build("t", docs, **backend.settings("t"))
    assert second.counts["embedded"] == 1
    assert second.counts["reused_vectors"] == second.counts["chunks"] - 1
    if backend.name == "milvus":  # only what changed is written to the collection
        assert (second.counts["written"], second.counts["deleted"]) == (1, 1)
    idx = registry.open_index("t")
    assert "readme" not in {h.chunk.title for h in search(idx, "disk usage directory size", k=10)}
    assert search(idx, "search text regular expression", k=1)[0].chunk.title == "grep"
    old_dirs = [p for p in registry.path_of("t").parent.iterdir() if p.name.startswith(".t.b-")]
    assert len(old_dirs) == 1, "the replaced build was deleted"


def test_hnsw_above_threshold(docs, backend):
    m = build("t", docs, hnsw_threshold=2, **backend.settings("t"))
    assert m.dense_index == "hnsw"
    hits = search(registry.open_index("t"), "gzipped archive", k=2, mode="dense")
    assert titles(hits)[0] == "tar"


def test_filters(docs, backend):
    build("t", docs, **backend.settings("t"))
    idx = registry.open_index("t")
    hits = search(idx, "json file", k=5, filters={"language": "python"})
    assert hits and all(h.chunk.language == "python" for h in hits)
    hits = search(idx, "archive", k=5, filters={"path": ["tar.md", "grep.md"]})
    assert set(titles(hits)) <= {"tar", "grep"} and "tar" in titles(hits)
    assert search(idx, "archive", k=5, filters={"kind": "nothing"}) == []


def test_unknown_index_lists_known(docs):
    build("alpha", docs)
    with pytest.raises(IndexNotFound, match="known indexes: alpha"):
        registry.open_index("beta")


@pytest.mark.parametrize("damage", ["truncate", "garbage", "delete"])
def test_corrupt_manifest_is_clear_and_other_indexes_untouched(docs, damage):
    build("a", docs)
    build("b", docs)
    manifest = registry.path_of("a") / layout.MANIFEST
    if damage == "truncate":
        manifest.write_text(manifest.read_text()[:100])
    elif damage == "garbage":
        manifest.write_bytes(b"\xff\xfe\x00junk")
    else:
        manifest.unlink()
    with pytest.raises(IndexCorrupt, match="manifest.json .*rebuild it with `docprompt index build a"):
        registry.open_index("a")
    assert titles(search(registry.open_index("b"), "gzipped archive", k=1)) == ["tar"]


def test_truncated_faiss_file(docs):
    build("a", docs)
    dense = registry.path_of("a") / layout.DENSE
    dense.write_bytes(dense.read_bytes()[:200])
    idx = registry.open_index("a")
    assert search(idx, "gzipped archive", k=1, mode="sparse")  # the sparse side still works
    with pytest.raises(IndexCorrupt, match="dense.faiss is corrupt"):
        search(idx, "gzipped archive", k=1)


def test_other_format_version_refused(docs):
    build("a", docs)
    manifest = registry.path_of("a") / layout.MANIFEST
    data = json.loads(manifest.read_text())
    data["format_version"] = 999
    manifest.write_text(json.dumps(data))
    with pytest.raises(IndexIncompatible, match="format version 999.*docprompt index build a"):
        registry.open_index("a")


def test_other_embedder_refused(docs, backend):
    build("a", docs, **backend.settings("a"))
    with pytest.raises(IndexIncompatible, match="built with embedder 'hash:64'.*--embedder hash:32"):
        registry.open_index("a", embedder="hash:32")


SLOW_BUILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from docprompt.embed.hashing import HashingEmbedder
    from docprompt.indexers.files import FilesIndexer
    from docprompt.store.build import build_index
    from docprompt.store.registry import path_of

    class Slow(HashingEmbedder):
        def embed(self, texts, **kw):
            print("embedding", flush=True)
            time.sleep(60)

    idx = FilesIndexer([sys.argv[1]])
    build_index(path_of("t"), idx.iter_documents(), embedder=Slow(64))
    """
)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_interrupted_build_leaves_previous_index(docs, tmp_path, sig):
    build("t", docs)
    before = search(registry.open_index("t"), "gzipped archive", k=1)[0].chunk.id
    (docs / "new.md").write_text("# new\n\nsomething else entirely\n")
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_BUILD, str(docs)],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "embedding"
    time.sleep(0.2)
    proc.send_signal(sig)
    proc.wait(timeout=30)
    idx = registry.open_index("t")
    assert idx.manifest.counts["documents"] == 5
    assert search(idx, "gzipped archive", k=1)[0].chunk.id == before
    idx.close()  # an open index pins its build (see test_reliability)
    build("t", docs)  # and the next build cleans up and succeeds
    assert registry.open_index("t").manifest.counts["documents"] == 6
    leftovers = [p for p in registry.path_of("t").parent.iterdir() if p.name.startswith(".t.b-")]
    assert len(leftovers) == 1


def test_two_stage_finds_the_page_then_its_paragraphs(tmp_path):
    from docprompt.models import Document
    from docprompt.store.build import build_index

    def page(cmd, paras):
        return [
            Document(id=f"man/{cmd}/{i}", text=t, title=cmd, metadata={"page": cmd, "command": cmd})
            for i, t in enumerate(paras)
        ]

    docs = page(
        "tar",
        [
            "tar - an archiving utility",
            "-x, --extract  extract files from an archive",
            "-z, --gzip  filter the archive through gzip",
            "-C DIR  change to directory DIR",
        ],
    )
    docs += page("gzip", ["gzip - compress or expand files", "-d, --decompress  decompress"])
    docs += page("ls", ["ls - list directory contents", "-l  use a long listing format"])
    m = build_index(registry.path_of("p"), docs, embedder=HashingEmbedder(64))
    assert m.counts["pages"] == 3
    idx = registry.open_index("p")
    hits = search(idx, "extract files from a gzip archive", k=4, mode="two-stage", pages=1)
    assert {h.chunk.metadata["command"] for h in hits} == {"tar"}
    assert hits[0].chunk.text.startswith("-x, --extract")
    hits = search(idx, "extract files from a gzip archive", k=6, mode="two-stage", pages=2)
    assert {h.chunk.metadata["command"] for h in hits} == {"tar", "gzip"}
    only_ls = search(idx, "archive", k=3, mode="two-stage", filters={"command": "ls"})
    assert only_ls and {h.chunk.metadata["command"] for h in only_ls} == {"ls"}


def test_api_entries_embedded_as_their_summary_when_asked(home):
    from docprompt.chunking import dense_text
    from docprompt.config import BuildSettings
    from docprompt.embed.hashing import HashingEmbedder
    from docprompt.models import Document, content_hash
    from docprompt.store.build import build_index

    text = "pkg.count(path)\n\nCount the lines of a file.\n\nArgs:\n    path: the file."
    docs = [Document(id="py/pkg.count", text=text, title="pkg.count", metadata={"symbol": "pkg.count"})]
    for entry_text in ("whole", "summary"):
        path = registry.path_of(entry_text)
        settings = BuildSettings(entry_text=entry_text)
        m = build_index(path, docs, embedder=HashingEmbedder(64), settings=settings)
        assert m.settings["entry_text"] == entry_text
        idx = registry.open_index(entry_text)
        chunk = next(c for _, c in idx.store.chunks())
        (key,) = next(iter(idx.store.values("vec_key")))
        assert key == content_hash(dense_text(chunk, entry_text))
        assert search(idx, "count lines", k=1, mode="sparse")[0].chunk.text == text  # BM25: the whole text
    assert dense_text(chunk, "summary") == "pkg.count\nCount the lines of a file."

"""The Milvus store against Milvus Lite: the same hits and chunk store answers as the local store,
the CLI end to end on a Lite file, incremental builds, and one-line errors. The store tests of
test_store.py run against both backends too (the ``backend`` fixture)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from docprompt.cli import main
from docprompt.config import BuildSettings
from docprompt.errors import BadInput, IndexIncompatible, StoreUnavailable
from docprompt.models import Document
from docprompt.retrieve import search
from docprompt.store import registry
from docprompt.store.build import build_index
from docprompt.store.chunks import ANY
from tests.helpers import Scripted, build
from tests.milvus_server import _free_port, skip_reason
from tests.test_dp import build_tiny_index

needs_milvus = pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")


def ids(hits) -> set[str]:
    return {h.chunk.id for h in hits}


class RandomEmbedder:
    """A unit vector drawn from each text's hash: no two texts alike, so no ties to break."""

    name, backend, dim = "random:32", "test", 32

    def embed(self, texts, **kw) -> np.ndarray:
        out = []
        for t in texts:
            rng = np.random.default_rng(int(hashlib.sha256(t.encode()).hexdigest()[:12], 16))
            v = rng.standard_normal(self.dim)
            out.append(v / np.linalg.norm(v))
        return np.asarray(out, dtype=np.float32)


def random_corpus(n: int = 80, seed: int = 7) -> tuple[list[Document], list[str]]:
    """Paragraphs of random words (and flags), of random lengths: BM25 scores seldom tie."""
    rng = np.random.default_rng(seed)
    vocab = [f"w{i}" for i in range(60)] + [
        "archive",
        "extract",
        "gzip",
        "--file",
        "-C",
        "-c",
        "os.path.join",
    ]
    docs = []
    for i in range(n):
        words = rng.choice(vocab, int(rng.integers(4, 30)), p=None)
        command = ["tar", "touch", "find", "ls"][i % 4]
        meta = {"command": command, "heading": ["NAME", "OPTIONS", "EXAMPLES"][i % 3]}
        docs.append(Document(id=f"p{i}", text=" ".join(words), title=f"{command}({i})", metadata=meta,
                             kind="example" if i % 5 == 0 else "doc"))  # fmt: skip
    queries = [" ".join(rng.choice(vocab, int(rng.integers(2, 5)))) for _ in range(4)] + ["-C archive"]
    return docs, queries


SETTINGS = [
    {"mode": "sparse"},
    {"mode": "dense"},
    {"mode": "hybrid"},  # RRF on the server
    {"mode": "hybrid", "sparse_weight": 0.7},  # weighted RRF: the retriever fuses the sides
    {"mode": "hybrid", "fusion": "convex"},  # min-max convex: the retriever fuses the sides
]
FILTERS = [None, {"kind": "doc"}, {"command": ["tar", "touch"]}, {"heading": "OPTIONS"}]


def test_the_same_hits_as_the_local_store(milvus):
    docs, queries = random_corpus()
    for name, settings in (("loc", {}), ("mil", milvus.settings("mil"))):
        build_index(
            registry.path_of(name), docs, embedder=RandomEmbedder(), settings=BuildSettings(**settings)
        )
    local, remote = registry.open_index("loc"), registry.open_index("mil")
    assert remote.manifest.store == "milvus" and type(remote).__name__ == "MilvusIndex"
    for idx in (local, remote):
        idx.__dict__["query_embedder"] = RandomEmbedder()
    compared = 0
    for query in queries:
        for options in SETTINGS:
            for filters in FILTERS:
                want = search(local, query, k=5, filters=filters, **options)
                got = search(remote, query, k=5, filters=filters, **options)
                assert ids(got) == ids(want), (query, options, filters)
                compared += len(want) == 5
    assert compared > 70
    assert search(remote, "archive", k=3, filters={"kind": []}) == []


def test_the_chunk_store_answers_as_the_local_one(milvus):
    build_tiny_index("loc")
    build_tiny_index("mil", **milvus.settings("mil"))
    a, b = registry.open_index("loc").store, registry.open_index("mil").store
    assert a.count == b.count == 16

    def chunk_ids(pairs):
        return sorted(c.id for _, c in pairs)

    for where in ({"command": "tar"}, {"command": ANY, "kind": "doc"}, {"kind": "example"}, {"doc_id": []}):
        assert chunk_ids(b.chunks(**where)) == chunk_ids(a.chunks(**where)), where
    for columns in (("title",), ("doc_id", "command", "symbol"), ("text", "kind", "metadata")):
        assert sorted(b.values(*columns)) == sorted(a.values(*columns)), columns
    assert b.has(command="find") and not b.has(command='ta"r') and not b.has(command=[])
    assert len(b.rows_matching({"heading": "OPTIONS", "command": "tar"})) == 5
    assert b.vec_keys().keys() == a.vec_keys().keys()
    rows = [r for r, _ in b.chunks(command="touch")]
    assert [c.id for c in b.get(rows[::-1])] == [c.id for _, c in b.chunks(command="touch")][::-1]
    with pytest.raises(ValueError, match="no column 'nope'"):
        b.values("nope")


@pytest.mark.parametrize("lite", [True, False])
def test_scans_past_the_query_limit(milvus, monkeypatch, lite):
    from docprompt.store import milvus_store

    build_tiny_index("mil", **milvus.settings("mil"))
    store = registry.open_index("mil").store
    want = sorted(store.values("id"))
    monkeypatch.setattr(milvus_store, "MAX_LIMIT", 5)  # one query is not enough any more
    store.__dict__["lite"] = lite  # Milvus Lite: one unbounded query; a server: the query iterator
    assert sorted(store.values("id")) == want and len(want) == 16
    assert len(store.chunks(kind="doc")) == 15 and len(store.vec_keys()) == 16


def test_cli_build_search_ask_dp_update_rm_on_a_lite_file(docs, tmp_path, home, monkeypatch):
    if skip_reason():
        pytest.skip(skip_reason())
    import docprompt.generate as generate
    from docprompt.cli.dp import cmd as dp

    lite = tmp_path / "lite" / "team.db"
    monkeypatch.delenv("DOCPROMPT_MILVUS_URI", raising=False)

    def run(*args, ok=True, command=main, input=None):
        result = CliRunner().invoke(command, list(args), input=input)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    try:
        out = run(
            "index", "build", "t", str(docs), "--embedder", "hash:64", "--store", "milvus", "--uri", str(lite)
        )
        assert f"into Milvus collection docprompt_t at {lite}" in " ".join(out.output.split())
        manifest = json.loads(run("index", "info", "t", "--json").output)
        assert (manifest["store"], manifest["uri"], manifest["collection"]) == (
            "milvus",
            str(lite),
            "docprompt_t",
        )
        assert "store:      milvus collection docprompt_t" in run("index", "info", "t").output
        hits = json.loads(run("search", "t", "extract a gzipped archive", "-k", "2", "--json").output)
        assert hits[0]["chunk"]["title"] == "tar" and len(hits) == 2
        hits = json.loads(run("search", "t", "json", "--where", "language=python", "--json").output)
        assert hits and {h["chunk"]["language"] for h in hits} == {"python"}
        gen = Scripted("```bash\ntar -xzf a.tgz\n```", "```bash\ntar -xzf a.tgz\n```")
        monkeypatch.setattr(generate, "get_generator", lambda backend=None, model=None, **kw: gen)
        answer = json.loads(run("ask", "t", "extract a.tgz", "--lang", "bash", "--json").output)
        assert answer["code"] == "tar -xzf a.tgz" and "tar xzf" in gen.prompts[0][-1]["content"]
        assert (
            "docs (t):"
            in run("--index", "t", "extract", "a", "gzipped", "archive", command=dp, input="\n").output
        )
        (docs / "ls.md").write_text("# ls\n\n> List directory contents.\n")
        out = " ".join(run("index", "update", "t").output.split())  # the recorded URI and collection
        assert "6 documents" in out and "1 embedded" in out and "into Milvus collection docprompt_t" in out
        # Only one process may open a Lite file: another one is told how to share it.
        env = {**os.environ, "DOCPROMPT_HOME": str(home)}
        other = subprocess.run([sys.executable, "-m", "docprompt", "search", "t", "tar"], env=env,
                               capture_output=True, text=True, timeout=120)  # fmt: skip
        assert other.returncode == 2 and "only one process may open it" in other.stderr
        assert len(other.stderr.strip().splitlines()) == 1 and "milvus-lite server --data-dir" in other.stderr
        assert "collection docprompt_t dropped" in run("index", "rm", "t", "--yes").output
        from pymilvus import MilvusClient

        assert not MilvusClient(str(lite)).has_collection("docprompt_t")
    finally:
        from milvus_lite.server_manager import server_manager_instance

        server_manager_instance.release_server(str(lite))


def test_copy_moves_an_index_between_stores_without_embedding(docs, milvus):
    build("a", docs)
    target = milvus.settings("b")
    args = [
        "index",
        "copy",
        "a",
        "b",
        "--store",
        "milvus",
        "--uri",
        target["uri"],
        "--collection",
        target["collection"],
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0 and "copied a to b (Milvus collection" in " ".join(result.output.split())
    result = CliRunner().invoke(main, ["index", "copy", "b", "c", "--store", "local"])  # and back
    assert result.exit_code == 0, result.output
    a, b, c = (registry.open_index(n) for n in "abc")
    assert (b.manifest.store, b.manifest.counts["embedded"], c.manifest.store) == ("milvus", 0, "local")
    assert b.manifest.roots == a.manifest.roots and b.manifest.counts["chunks"] == a.count == c.count
    for query in ("extract a gzipped archive", "disk usage of a directory", "pretty print json"):
        every = [ids(search(x, query, k=50, mode="sparse")) for x in (a, b, c)]  # every chunk BM25 finds
        assert every[0] == every[1] == every[2] and every[0], query
        assert len({search(x, query, k=1)[0].chunk.id for x in (a, b, c)}) == 1, query
    assert search(c, "gzipped archive", k=2, mode="two-stage")  # the local copy has its pages again


def test_a_changed_chunk_is_written_again_and_a_lost_write_is_redone(milvus):
    settings = BuildSettings(embedder="hash:64", **milvus.settings("m"))

    def docs(tag: str):
        return [
            Document(id=f"d{i}", text=f"paragraph {i} about {w}", metadata={"tag": tag if i == 0 else "x"})
            for i, w in enumerate(["archives", "compression", "networking", "disks"])
        ]

    first = build_index(registry.path_of("m"), docs("old"), settings=settings)
    assert (first.counts["written"], first.counts["embedded"]) == (4, 4)
    second = build_index(registry.path_of("m"), docs("new"), settings=settings)  # metadata only
    assert (second.counts["written"], second.counts["embedded"], second.counts["deleted"]) == (1, 0, 0)
    idx = registry.open_index("m")
    assert [h.chunk.id for h in search(idx, "archives", k=5, filters={"tag": "new"})] == ["d0#0"]
    idx.store.client.delete(idx.collection, ids=[r for r, _ in idx.store.chunks(doc_id=["d1", "d2"])])
    idx.close()
    third = build_index(registry.path_of("m"), docs("new"), settings=settings)  # as after a killed build
    # the two lost rows are written again, their vectors from the embedding cache, not the embedder
    counts = third.counts
    assert (counts["written"], counts["embedded"], counts["from_cache"], counts["reused_vectors"]) == (
        2,
        0,
        2,
        4,
    )
    assert registry.open_index("m").store.count == 4


def test_a_collection_of_another_embedder_is_refused(docs, milvus):
    target = milvus.settings("a")
    build("a", docs, **target)
    with pytest.raises(BadInput, match="holds vectors of embedder 'hash:64', not of 'hash:32'.*--collection"):
        build("b", docs, embedder="hash:32", **target)
    from pymilvus import MilvusClient

    MilvusClient(uri=milvus.uri).drop_collection(target["collection"])
    build("b", docs, embedder="hash:32", **target)  # someone rebuilt the collection with another model
    with pytest.raises(IndexIncompatible, match="holds vectors of embedder 'hash:32', this index's manifest"):
        search(registry.open_index("a"), "archive")


def test_a_server_that_is_down_is_one_line(docs, milvus):
    down = f"http://127.0.0.1:{_free_port()}"
    with pytest.raises(StoreUnavailable, match=f"cannot reach Milvus at {down} .*start the server"):
        build("x", docs, store="milvus", uri=down)
    build("t", docs, **milvus.settings("t"))
    manifest = registry.path_of("t") / "manifest.json"
    manifest.write_text(manifest.read_text().replace(milvus.uri, down))
    result = CliRunner().invoke(main, ["search", "t", "archive"])
    assert result.exit_code == 2 and f"cannot reach Milvus at {down}" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_two_stage_and_training_need_a_local_index(docs, milvus):
    build("t", docs, **milvus.settings("t"))
    idx = registry.open_index("t")
    with pytest.raises(BadInput, match="has no two-stage search: use hybrid, sparse or dense"):
        search(idx, "archive", mode="two-stage")
    with pytest.raises(BadInput, match="training reads the vectors of a local index"):
        idx.dense.vectors()


def test_missing_pymilvus_is_one_line_with_the_install_command(monkeypatch):
    from docprompt.store.milvus import connect

    monkeypatch.setitem(sys.modules, "pymilvus", None)
    with pytest.raises(BadInput, match=r"pip install 'docprompt\[milvus\]'"):
        connect("http://127.0.0.1:19530")


def test_opening_a_milvus_index_imports_pymilvus_only_to_search(docs, milvus, home):
    build("t", docs, **milvus.settings("t"))
    code = (
        "import sys; from docprompt.store.registry import open_index; i = open_index('t'); "
        "print(type(i).__name__, 'pymilvus' in sys.modules); i.store.count; print('pymilvus' in sys.modules)"
    )
    env = {**os.environ, "DOCPROMPT_HOME": str(home)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["MilvusIndex", "False", "True"], out.stderr[-500:]


pytestmark = needs_milvus

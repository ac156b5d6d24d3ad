import json

import pytest

from docprompt.embed.hashing import HashingEmbedder
from docprompt.errors import BadInput
from docprompt.eval.datasets import Row, command_flags, load
from docprompt.eval.retrieval import evaluate
from docprompt.models import Document
from docprompt.store import registry
from docprompt.store.build import build_index


def test_command_flags():
    assert command_flags("tar -xzf {{a.tgz}} -C {{dir}}") == ["-x", "-z", "-f", "-C"]
    assert command_flags("od --format={{xz}} -v {{file}}") == ["--format", "-v"]
    assert command_flags("find . -name '*.py'", known={"-name"}) == ["-name"]
    assert command_flags("ls -la | grep -v x") == ["-l", "-a"]
    assert command_flags("ss -lt src :{{8080}}", known={"-l", "-t"}) == ["-l", "-t"]
    assert command_flags("qtcreator -git-show {{commit}}") == ["-git-show"]
    assert command_flags("vdir") == []


def write(tmp_path, rows):
    f = tmp_path / "d.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in rows))
    return f


def test_load_shapes_and_errors(tmp_path):
    shape, rows = load(write(tmp_path, [{"nl": "x", "cmd": "tar -x", "cmd_name": "tar"}]))
    assert shape == "tldr" and rows[0].cmd_name == "tar"
    shape, rows = load(write(tmp_path, [{"nl": "sum", "oracle_man": ["python.library.functions#sum"]}]))
    assert shape == "docs" and rows[0].oracle == ["python.library.functions#sum"]
    shape, rows = load(write(tmp_path, [{"nl": "a", "oracle_man": ["x"]}, {"nl": "b", "oracle_man": []}]))
    assert shape == "docs" and rows[1].oracle == []  # kept: generation scores it, recall skips it
    with pytest.raises(BadInput, match="dataset not found"):
        load(tmp_path / "nope.jsonl")
    with pytest.raises(BadInput, match="d.jsonl:1: a row needs 'cmd_name'"):
        load(write(tmp_path, [{"nl": "x"}]))
    with pytest.raises(BadInput, match="mixes"):
        load(write(tmp_path, [{"nl": "x", "cmd_name": "a"}, {"nl": "y", "oracle_man": ["b"]}]))
    (tmp_path / "bad.jsonl").write_text("{not json\n")
    with pytest.raises(BadInput, match="bad.jsonl:1: not a JSON object"):
        load(tmp_path / "bad.jsonl")


@pytest.fixture
def man_index():
    def para(cmd, i, text, flags=()):
        meta = {"command": cmd, "page": f"{cmd}.1", "flags": list(flags)}
        return Document(id=f"man/{cmd}.1/{i}", text=text, title=f"{cmd}(1)", metadata=meta)

    docs = [
        para("tar", 0, "tar - an archiving utility"),
        para("tar", 1, "-x, --extract  extract files from an archive", ["-x", "--extract"]),
        para("tar", 2, "-z, --gzip  filter the archive through gzip", ["-z", "--gzip"]),
        para("tar", 3, "-f, --file=ARCHIVE  use archive file", ["-f", "--file"]),
        para("ls", 0, "ls - list directory contents"),
        para("ls", 1, "-l  use a long listing format", ["-l"]),
        para("ls", 2, "-a, --all  do not ignore entries starting with .", ["-a", "--all"]),
    ]
    build_index(registry.path_of("man"), docs, embedder=HashingEmbedder(64))
    return registry.open_index("man")


def test_tldr_metrics(man_index):
    rows = [
        Row(nl="extract files from a gzip archive", cmd="tar -xzf {{a}}", cmd_name="tar"),
        Row(nl="list all entries in long format", cmd="ls -la", cmd_name="ls"),
        Row(nl="compress with zstd", cmd="zstd {{file}}", cmd_name="zstd"),
    ]
    [res] = evaluate(man_index, "tldr", rows, ["hybrid"])
    assert res.metrics["cmd_hit@1"] == pytest.approx(200 / 3, abs=0.01)  # zstd has no page
    assert res.metrics["cmd_hit@10"] == pytest.approx(200 / 3, abs=0.01)
    assert res.metrics["flag_recall@10"] == 100.0  # every flag's paragraph is in the top 10
    assert res.metrics["flag_coverage"] == 100.0
    assert res.rows == 3 and res.latency_ms["p50"] > 0


def test_doc_recall(man_index):
    rows = [
        Row(nl="use a long listing format", oracle=["man/ls.1/1", "man/ls.1/2"]),
        Row(nl="extract files", oracle=["man/tar.1/1"]),
    ]
    sparse, two_stage = evaluate(man_index, "docs", rows, ["sparse", "two-stage"])
    assert sparse.metrics["recall@1"] == two_stage.metrics["recall@1"] == 75.0  # 1/2 and 1/1
    assert sparse.metrics["recall@20"] == 75.0  # no shared word: BM25 never finds ls.1/2
    assert two_stage.metrics["recall@20"] == 100.0  # the dense side does


def test_pool_key_follows_a_model_folder_retrained_in_place(tmp_path):
    import os

    from docprompt.config import BuildSettings
    from docprompt.eval.retrieval import pool_key

    src = tmp_path / "pages"
    src.mkdir()
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.safetensors").write_bytes(b"a")
    parts = [("manpages", str(src), {})]
    named = pool_key(parts, BuildSettings(embedder="all-MiniLM-L6-v2"))
    assert named == pool_key(parts, BuildSettings(embedder="all-MiniLM-L6-v2"))
    assert named != pool_key(parts, BuildSettings(embedder="all-MiniLM-L6-v2", entry_text="summary"))
    before = pool_key(parts, BuildSettings(embedder=str(model)))
    assert before != named
    (model / "model.safetensors").write_bytes(b"bb")
    os.utime(model / "model.safetensors", (1, 1))
    assert pool_key(parts, BuildSettings(embedder=str(model))) != before

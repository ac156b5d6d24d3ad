import json
import os

import pytest
from click.testing import CliRunner

from docprompt.cli import main


def run(*args, ok=True):
    result = CliRunner().invoke(main, list(args))
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def built(docs):
    run("index", "build", "t", str(docs), "--embedder", "hash:64")
    return docs


def test_build_search_list_info_rm(built):
    hits = json.loads(run("search", "t", "extract a gzipped archive", "-k", "2", "--json").output)
    assert hits[0]["chunk"]["title"] == "tar" and len(hits) == 2
    assert {"sparse_rank", "dense_rank", "score"} <= hits[0].keys()
    out = run("search", "t", "extract a gzipped archive").output
    assert "tar" in out and "sparse #1" in out
    assert "hash:64" in run("index", "list").output
    listed = json.loads(run("index", "list", "--json").output)
    assert listed[0]["name"] == "t" and listed[0]["chunks"] >= 5
    info = run("index", "info", "t").output
    assert "embedder:   hash:64" in info and "files indexer" in info
    assert json.loads(run("index", "info", "t", "--json").output)["name"] == "t"
    run("index", "rm", "t", "--yes")
    assert "no indexes yet" in run("index", "list").output


def test_modes_and_filters(built):
    for mode in ("sparse", "dense"):
        hits = json.loads(run("search", "t", "gzipped archive", "--mode", mode, "--json").output)
        assert hits[0]["chunk"]["title"] == "tar"
        assert (hits[0]["dense_rank"] is None) == (mode == "sparse")
    hits = json.loads(run("search", "t", "json", "--where", "language=python", "--json").output)
    assert hits and {h["chunk"]["language"] for h in hits} == {"python"}


def test_update_reads_recorded_roots(built):
    (built / "ls.md").write_text("# ls\n\n> List directory contents.\n")
    out = run("index", "update", "t").output
    assert "6 documents" in out and "1 embedded" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["search", "t", "   "], "the query is empty"),
        (["search", "nope", "x"], "no index named 'nope'; known indexes: t"),
        (["search", "t", "x", "--where", "kind"], "bad filter 'kind'"),
        (
            ["index", "build", "u", "/does/not/exist", "--embedder", "hash:64"],
            "path does not exist: /does/not/exist",
        ),
        (["index", "build", "bad/name", "."], "bad index name"),
        (["index", "build", "u", ".", "--embedder", "hash:3"], "bad embedder 'hash:3'"),
        (["index", "build", "u", ".", "--chunk-size", "5"], "option: chunk_size"),
        (["index", "info", "nope"], "no index named 'nope'"),
        (["index", "build", "u", ".", "--indexer", "nope"], "unknown indexer 'nope'; known: devdocs, docs"),
        (["index", "build", "u", ".", "-o", "novalue"], "indexer option 'novalue' is not KEY=VALUE"),
        (["index", "build", "u", ".", "-o", "bogus=1", "--embedder", "hash:64"], "takes no option 'bogus'"),
    ],
)
def test_user_errors_are_one_clear_line(built, args, message):
    result = run(*args, ok=False)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_bad_files_are_skipped_and_counted(tmp_path):
    d = tmp_path / "mixed"
    d.mkdir()
    (d / "good.md").write_text("# good\n\nuseful text about archives\n")
    (d / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (d / "latin1.txt").write_bytes("caf\xe9 cr\xe8me".encode("latin-1"))
    (d / "empty.md").write_text("   \n")
    (d / "big.txt").write_text("x" * 10_000_001)  # one 10 MB line
    os.symlink(d / "gone.md", d / "dangling.md")  # broken link inside the root
    outside = tmp_path / "secret.md"
    outside.write_text("# secret\n")
    os.symlink(outside, d / "escape.md")
    out = run("index", "build", "m", str(d), "--embedder", "hash:64").output
    assert "1 documents" in out
    skipped = json.loads(run("index", "info", "m", "--json").output)["skipped"]
    assert skipped == {
        "binary": 1,
        "not UTF-8": 1,
        "empty": 1,
        "too large": 1,
        "unreadable": 1,
        "symlink out of root": 1,
    }


def test_nothing_to_index(tmp_path):
    d = tmp_path / "e"
    d.mkdir()
    (d / "empty.md").write_text("")
    result = run("index", "build", "e", str(d), "--embedder", "hash:64", ok=False)
    assert result.exit_code == 2 and "nothing to index" in result.output and "1 empty" in result.output


def test_cli_reference_is_current():
    from pathlib import Path

    from docprompt.cli.reference import render

    doc = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
    assert doc.read_text() == render(), "docs/cli.md is stale: run python -m docprompt.cli.reference"


def test_indexer_options_from_the_command_line(docs):
    run("index", "build", "md", str(docs), "--embedder", "hash:64", "-o", 'extensions=[".md"]')
    info = json.loads(run("index", "info", "md", "--json").output)
    assert info["indexer_options"] == {"extensions": [".md"]} and info["counts"]["documents"] == 2

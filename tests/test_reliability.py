"""Builds and searches that lose nothing: the data-loss, swap and input bugs of issue #11."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from docprompt.cli import main
from docprompt.errors import BadInput, DocpromptError, IndexCorrupt, IndexIncompatible
from docprompt.retrieve import search
from docprompt.store import layout, registry
from docprompt.store.index import Index

from .helpers import build


def run(*args: str, **kw):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, **kw)


# -- 1. building `docs` must not delete `docs.v2` ------------------------------------------------


def test_building_an_index_keeps_an_index_whose_name_extends_it(docs):
    # built by another process, as a user would: its build is nobody's work in progress
    subprocess.run(
        [sys.executable, "-m", "docprompt", "index", "build", "docs.v2", str(docs), "--embedder", "hash:64"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    build("docs", docs)
    build("docs", docs)  # a rebuild cleans the stale builds of `docs`, and only those
    assert search(registry.open_index("docs.v2"), "extract a gzipped archive", k=1)
    assert search(registry.open_index("docs"), "extract a gzipped archive", k=1)
    for name in ("docs.v2", "docs"):
        live = registry.path_of(name).resolve()
        assert live.is_dir() and (live / layout.MANIFEST).is_file()


def test_clean_stale_matches_only_its_own_builds(tmp_path):
    root = tmp_path / "indexes"
    root.mkdir()
    mine = root / ".docs.b-20260101T000000-abcdef"
    old_style = root / ".docs.20260101T000000.abcdef-99999999"
    others = [
        root / ".docs.v2.b-20260101T000000-abcdef",
        root / ".docs.b-x.b-20260101T000000-abcdef",
        root / ".docs.v2.20260101T000000.abcdef-99999999",
    ]
    for d in (mine, old_style, *others):
        d.mkdir()
    layout.clean_stale(root / "docs")
    assert not mine.exists() and not old_style.exists()
    assert all(d.exists() for d in others)


# -- 2. a reader pins one build: never half of two ------------------------------------------------


def _two_corpora(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for i in range(6):
        (a / f"a{i}.md").write_text(f"# alpha{i}\n\nalpha page {i} about archives and tar\n")
        (b / f"b{i}.md").write_text(f"# beta{i}\n\nbeta page {i} about archives and tar\n")
    return a, b


def test_an_open_index_reads_the_build_it_opened_after_a_swap(tmp_path):
    a, b = _two_corpora(tmp_path)
    build("x", a)
    idx = registry.open_index("x")
    first = {h.chunk.title for h in search(idx, "archives tar", k=6, mode="sparse")}
    build("x", b)  # swapped in while idx is open; idx has loaded nothing but its manifest yet
    again = {h.chunk.title for h in search(idx, "archives tar", k=6)}
    assert first and again <= {f"alpha{i}" for i in range(6)}
    assert idx.path.exists()  # the pinned build is kept for its reader
    idx.close()
    build("x", a)  # the next build deletes the old build nobody pins any more
    builds = [p for p in registry.path_of("x").parent.iterdir() if p.name.startswith(".x.b-")]
    assert len(builds) == 1


def test_readers_across_many_swaps_never_fail_or_mix(tmp_path):
    """Readers open and search in a loop while builds of two corpora are swapped in: every
    search returns hits of exactly one corpus, and none fails."""
    a, b = _two_corpora(tmp_path)
    build("x", a)
    errors: list[str] = []
    mixed: list[set] = []
    searches = 0
    stop = threading.Event()

    def reader():
        nonlocal searches
        while not stop.is_set():
            try:
                with registry.open_index("x") as idx:
                    titles = {h.chunk.title[:4] for h in search(idx, "archives tar page", k=8)}
            except DocpromptError as e:
                errors.append(str(e))
                continue
            searches += 1
            if len(titles) != 1:
                mixed.append(titles)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for i in range(20):
            build("x", b if i % 2 == 0 else a)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors and not mixed and searches > 20


# -- 3. one writer per index ------------------------------------------------------------------------


def test_a_second_builder_fails_naming_the_first(docs):
    path = registry.path_of("t")
    with layout.writer_lock(path), pytest.raises(BadInput, match=r"being built by process \d+"):
        build("t", docs)
    build("t", docs)  # the lock is released with its holder


def test_a_second_builder_in_another_process_fails(docs, tmp_path):
    path = registry.path_of("t")
    path.parent.mkdir(parents=True, exist_ok=True)
    code = (
        "import sys, time; from pathlib import Path; from docprompt.store import layout\n"
        f"with layout.writer_lock(Path({str(path)!r})):\n"
        "    print('locked', flush=True); time.sleep(30)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = CliRunner().invoke(main, ["index", "build", "t", str(docs), "--embedder", "hash:64"])
        assert result.exit_code == 2
        assert f"being built by process {holder.pid}" in result.output
    finally:
        holder.kill()
        holder.wait()


# -- 4. a dangling link can be removed --------------------------------------------------------------


def test_a_dangling_index_link_is_explained_and_removable(docs):
    import shutil

    build("v", docs)
    shutil.rmtree(registry.path_of("v").resolve())
    with pytest.raises(IndexCorrupt, match="build directory is gone"):
        registry.open_index("v")
    assert "build directory is gone" in run("index", "list").output
    result = run("index", "rm", "-y", "v")
    assert result.exit_code == 0 and "removed v" in result.output
    assert not registry.path_of("v").is_symlink() and "v" not in registry.names()


# -- 5, 6, 8. inputs that hung or crashed builds ----------------------------------------------------


@pytest.mark.parametrize("indexer", ["files", "docs", "examples", "python", "tldr", "manpages"])
def test_fifos_sockets_and_loops_are_skipped_not_opened(tmp_path, indexer):
    import socket

    from docprompt.indexers import make_indexer

    src = tmp_path / "src"
    src.mkdir()
    (src / "ok.md").write_text("# ok\n\n- Do a thing:\n\n`ok --thing`\n")
    (src / "ok.py").write_text('"""A module."""\n\ndef f():\n    """Do f."""\n')
    for name in ("x.md", "y.py", "z.ipynb", "w.txt", "tar.1.txt"):
        os.mkfifo(src / name)
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(src / "s.md"))
    (src / "loop.md").symlink_to(src / "loop.md")
    try:
        source = make_indexer(indexer, [str(src)], {}, max_file_bytes=1_000_000)
        done = []
        t = threading.Thread(target=lambda: done.append(list(source.iter_documents())), daemon=True)
        t.start()
        t.join(20)
        assert done, f"{indexer} hung on a FIFO"
        reasons = " ".join(source.skipped)
        assert "FIFO" in reasons or indexer == "manpages" and "not NAME.SECTION.txt" in reasons
        names = [f for files in source.skipped.files.values() for f in files]
        assert any(n.endswith(("x.md", "y.py", "z.ipynb", "tar.1.txt")) for n in names), source.skipped.files
    finally:
        sock.close()


def test_a_file_name_that_is_not_utf8_is_indexed(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    bad = os.fsencode(str(src)) + b"/bad\xffname.md"
    with open(bad, "wb") as f:
        f.write(b"# odd name\n\nA page whose name is not UTF-8.\n")
    (src / "good.md").write_text("# good\n\nA plain page.\n")
    m = build("t", src)
    assert m.counts["documents"] == 2
    hits = search(registry.open_index("t"), "page whose name is not UTF-8", k=1)
    assert "\ufffd" in hits[0].chunk.source and hits[0].chunk.title == "odd name"


def test_utf16_files_are_decoded_and_skips_name_their_files(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "wide.md").write_bytes("# wide\n\nA UTF-16 page about widgets.\n".encode("utf-16"))
    (src / "blob.md").write_bytes(b"\x00\x01binary\x00")
    (src / "empty.md").write_text("  \n")
    m = build("t", src)
    assert m.counts["documents"] == 1
    assert m.skipped == {"binary": 1, "empty": 1}
    assert m.skipped_files["binary"][0].endswith("blob.md")
    assert search(registry.open_index("t"), "widgets", k=1)[0].chunk.title == "wide"
    out = run("index", "info", "t", "--skipped").output
    assert "blob.md" in out and "empty.md" in out


def test_build_output_names_skipped_files_and_takes_max_file_bytes(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "big.md").write_text("# big\n\n" + "words " * 400)
    (src / "small.md").write_text("# small\n\nA small page.\n")
    result = CliRunner().invoke(
        main, ["index", "build", "t", str(src), "--embedder", "hash:64", "--max-file-bytes", "1000"]
    )
    assert result.exit_code == 0, result.output
    assert "1 too large" in result.output and "big.md" in result.output
    assert registry.open_index("t").manifest.settings["max_file_bytes"] == 1000


# -- 7. one-line errors instead of tracebacks -------------------------------------------------------


def test_dp_with_stdin_closed_gives_a_line_not_a_traceback(tmp_path):
    env = {**os.environ, "DOCPROMPT_HOME": str(tmp_path / "h")}
    # stdin closed as Python leaves it when started without fd 0 (sys.stdin None), by the child
    # itself: a preexec_fn (Python code between fork and exec) aborted in gRPC's fork handlers
    # once an earlier test of the session had loaded pymilvus (a CI run at stop 40)
    closed = "import os, runpy, sys; os.close(0); sys.stdin = sys.__stdin__ = None; "
    closed += "sys.argv = ['dp', 'list', 'files']; "
    closed += "runpy.run_module('docprompt.cli.dp', run_name='__main__')"
    proc = subprocess.run(
        [sys.executable, "-c", closed],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert "Traceback" not in proc.stderr and "isatty" not in proc.stderr
    assert proc.returncode in (1, 2) and "no docs index" in proc.stderr


def test_a_bad_ollama_host_is_one_line(monkeypatch):
    from docprompt.generate import GeneratorError
    from docprompt.generate.ollama import OllamaGenerator, resolve_host

    monkeypatch.setenv("OLLAMA_HOST", "http://[::1")
    with pytest.raises(GeneratorError, match="bad Ollama host"):
        resolve_host()
    with pytest.raises(GeneratorError, match="bad Ollama host"):
        OllamaGenerator("m")


def test_two_stage_on_an_index_without_pages_says_rebuild(docs):
    build("t", docs)
    live = registry.path_of("t").resolve()
    manifest = json.loads((live / layout.MANIFEST).read_text())
    del manifest["counts"]["pages"]
    (live / layout.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(IndexIncompatible, match="two-stage"):
        search(registry.open_index("t"), "tar", k=1, mode="two-stage")
    result = CliRunner().invoke(main, ["search", "t", "tar", "--mode", "two-stage"])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_metadata_that_is_not_json_is_a_corrupt_index(docs):
    build("t", docs)
    live = registry.path_of("t").resolve()
    con = sqlite3.connect(live / layout.CHUNKS)
    con.execute("UPDATE chunks SET metadata = '{broken'")
    con.commit()
    con.close()
    with pytest.raises(IndexCorrupt, match="not JSON"):
        search(registry.open_index("t"), "tar", k=1)


def test_chunk_overlap_larger_than_size_is_refused_up_front():
    from pydantic import ValidationError

    from docprompt.chunking import Chunker
    from docprompt.config import BuildSettings, validated

    with pytest.raises(ValidationError, match="chunk_overlap"):
        BuildSettings(chunk_size=200, chunk_overlap=300)
    with pytest.raises(BadInput, match=r"chunk_overlap \(300\) must be smaller than chunk_size \(200\)"):
        validated(BuildSettings, {"chunk_size": 200, "chunk_overlap": 300}, "option")
    with pytest.raises(BadInput):
        Chunker(200, 300)
    args = ["index", "build", "t", ".", "--chunk-size", "200", "--chunk-overlap", "300"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "chunk_overlap" in result.output


@pytest.mark.parametrize("version", ["1", None, 2, True])
def test_format_version_messages_say_what_is_wrong(docs, version):
    build("t", docs)
    live = registry.path_of("t").resolve()
    manifest = json.loads((live / layout.MANIFEST).read_text())
    manifest["format_version"] = version
    (live / layout.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(IndexIncompatible) as e:
        Index(registry.path_of("t"))
    assert "version 1, this docprompt reads version 1" not in str(e.value)
    assert ("no format version" if version is None else repr(version)) in str(e.value)


def test_the_builds_files_are_synced_before_the_swap(docs, monkeypatch):
    synced: list[str] = []
    real = layout._fsync
    monkeypatch.setattr(layout, "_fsync", lambda p: (synced.append(Path(p).name), real(p)))
    build("t", docs)
    assert layout.MANIFEST in synced and layout.CHUNKS in synced
    assert registry.path_of("t").parent.name in synced  # the folder holding the new link

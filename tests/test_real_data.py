"""Real inputs from ../shared/data, and the real default embedder."""

import pytest

from docprompt.codetokens import tokenize
from docprompt.retrieve import search
from docprompt.store import registry
from docprompt.store.sparse import BM25S, RankBM25, top_n

from .helpers import build

QUERIES = [
    "extract a gzipped archive",
    "find files larger than 1G",
    "list open network ports",
    "show disk usage of a directory",
    "search for a pattern recursively",
    "kill a process by name",
    "change file permissions recursively",
    "download a file over http",
    "compress a folder to zip",
    "count lines in a file",
    "git undo last commit",
    "docker list running containers",
    "convert video to mp4",
    "print the last 20 lines of a log",
    "replace text in all files",
]


@pytest.mark.data
def test_bm25s_ranks_like_rank_bm25_on_tldr(shared_data, tmp_path):
    pages = sorted((shared_data / "tldr" / "pages" / "common").glob("*.md"))[:800]
    corpus = [tokenize(p.read_text()) for p in pages]
    from docprompt.store.sparse import build_bm25s

    build_bm25s(corpus, 1.5, 0.75, tmp_path / "bm25")
    fast, ref = BM25S(tmp_path / "bm25"), RankBM25(corpus, 1.5, 0.75)
    for q in QUERIES:
        toks = tokenize(q)
        f, r = fast.scores(toks), ref.scores(toks)
        # Same scores up to bm25s's dropped constant (k1 + 1): so the same ranking.
        assert f == pytest.approx(r / 2.5, rel=1e-4, abs=1e-5), q
        assert top_n(f, 10)[0].tolist() == top_n(r, 10)[0].tolist(), q


@pytest.mark.model
@pytest.mark.data
@pytest.mark.slow
def test_tar_page_found_for_gzipped_archive(shared_data, minilm_onnx, tmp_path):
    """The must-show query, on a real model, over a slice of the real tldr pages."""
    common = shared_data / "tldr" / "pages" / "common"
    pick = tmp_path / "pages"
    pick.mkdir()
    names = [
        "tar",
        "gzip",
        "gunzip",
        "zip",
        "unzip",
        "7z",
        "zcat",
        "bzip2",
        "xz",
        "ls",
        "find",
        "grep",
        "du",
        "df",
        "curl",
        "wget",
        "ssh",
        "git",
        "cp",
        "mv",
        "atool",
        "unrar",
    ]
    for n in names:
        if (common / f"{n}.md").exists():
            (pick / f"{n}.md").write_text((common / f"{n}.md").read_text())
    build("tldr", pick, embedder="all-MiniLM-L6-v2")
    idx = registry.open_index("tldr")
    assert idx.query_embedder.backend == "onnx"
    # top 5, not 3: int8 ONNX vectors differ by CPU (AVX-512 VNNI against AVX2), and on a VNNI
    # machine tar came 4th behind gunzip, unzip and 7z, RRF scores tied to the third decimal
    for mode, k in (("hybrid", 5), ("sparse", 5), ("dense", 10)):
        top = [h.chunk.title for h in search(idx, "extract a gzipped archive", k=k, mode=mode)]
        assert "tar" in top, (mode, top)

"""A sweep of malformed inputs through the docs, examples and DevDocs indexers: each run finishes,
and every file either yields Documents or is a counted skip (with its name)."""

from __future__ import annotations

import json
import lzma
import time
from pathlib import Path

from docprompt.indexers import make_indexer

HUGE_LINE = 2_000_000  # under the 5 MB file cap: the parsers must read it, quickly
MAX_SECONDS = 60  # generous for a 2-core CI machine; the sweeps take a few seconds


def run(indexer: str, root: Path):
    idx = make_indexer(indexer, [str(root)], max_file_bytes=5_000_000)
    start = time.monotonic()
    docs = list(idx.iter_documents())
    assert time.monotonic() - start < MAX_SECONDS
    assert len({d.id for d in docs}) == len(docs)
    return docs, idx


def write(root: Path, files: dict[str, str | bytes]) -> list[str]:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (root / name).write_bytes(content.encode() if isinstance(content, str) else content)
    return list(files)


def sweep(indexer: str, root: Path, files: dict[str, str | bytes]):
    """Index ``files``; every one yielded something or was skipped (by name), never both."""
    write(root, files)
    docs, idx = run(indexer, root)
    yielded = {Path(d.source).name for d in docs}
    skipped = {Path(f).name for names in idx.skipped.files.values() for f in names}
    assert yielded | skipped == set(files), (yielded, dict(idx.skipped))
    assert not yielded & skipped
    assert sum(idx.skipped.values()) == len(skipped)
    return docs, idx, yielded


def test_docs_folder_sweep(tmp_path):
    files = {
        "good.md": "# Good\n\nStill indexed.\n\n```python\nprint(1)\n```\n",
        "binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        "binary.rst": b"\x00\x01\x02 not text",
        "latin1.rst": "Caf\xe9\n====\n\nna\xefve\n".encode("latin-1"),
        "truncated.html": "<html><head><title>Cut</title></head><body><h1>Cut</h1><p>The page stops he",
        "comment.html": "<!-- nothing but a comment -->",
        "tags-only.html": "<html><body><script>x()</script><nav>menu</nav></body></html>",
        "unbalanced.rst": "Title\n===\n\n*emph ``lit `ref <x>`_ :role:`x\n\n+---+---+\n| a | b\n+---+\n\n"
        ".. code-block::\n\n.. unknown:: \n  :opt:\n\n===\nX\n---\n\n.. [#] foot\n\n|sub|\n",
        "adornment-only.rst": "=====\n-----\n=====\n",
        "deep.rst": "\n\n".join(" " * i + "x" for i in range(500)),
        "directives-only.rst": ".. toctree::\n\n   a\n   b\n\n.. index:: x\n",
        "front-matter-only.md": "---\ntitle: Nothing else\n---\n",
        "unclosed-fence.md": "# Open\n\nText:\n\n```python\nimport os\n",
        "odd-lines.md": "# Odd\n\nA\u2028line\rwith\r\nbreaks\x0band\x1cseparators.\n\n```\n$ ls\n```\n",
        "deep-quote.md": "> " * 3000 + "deep",
        "huge-line.md": "word [link](x) `c` **b** <i>x</i> " * (HUGE_LINE // 34),
        "huge-line.rst": "word `l <x>`_ ``c`` **b** " * (HUGE_LINE // 26),
        "huge-line.html": "<p>" + "word <b>b</b> " * (HUGE_LINE // 14) + "</p>",
        "empty.md": "\n\n  \n",
    }
    docs, idx, by_file = sweep("docs", tmp_path / "docs", files)
    assert {"good.md", "truncated.html", "unbalanced.rst", "unclosed-fence.md", "odd-lines.md"} <= by_file
    assert {"huge-line.md", "huge-line.html"} <= by_file
    assert dict(idx.skipped) == {
        "binary": 2,
        "not UTF-8": 1,
        "empty": 1,
        "unparsable HTML": 1,  # lxml finds no element in a lone comment
        "unparsable reStructuredText": 1,  # nested past the recursion limit
        # huge-line.rst: docutils refuses a line over its line-length limit, and reads nothing
        "no text": 5,
    }
    odd = next(d for d in docs if d.kind == "example" and d.source.endswith("odd-lines.md"))
    assert odd.text.endswith("$ ls") and odd.language == "bash"


def test_examples_sweep(tmp_path):
    def nb(cells, **extra) -> str:
        return json.dumps({"cells": cells, **extra})

    files = {
        "ok.py": "print('still indexed')\n",
        "ok.ipynb": nb([{"cell_type": "code", "source": "x = 1"}]),
        "binary.py": b"\x00\x01\x02compiled",
        "latin1.py": "# caf\xe9\nx = 1\n".encode("latin-1"),
        "truncated.ipynb": '{"cells": [{"cell_type": "code", "source": ["x = 1"',
        "list.ipynb": "[1, 2, 3]",
        "cells-not-a-list.ipynb": '{"cells": {"0": {}}}',
        "bad-cells.ipynb": nb([1, "x", None, {"cell_type": "code", "source": 5}, {"cell_type": "code"}]),
        "bad-heading.ipynb": nb(
            [
                {"cell_type": "heading", "level": "x", "source": "Title"},
                {"cell_type": "heading", "level": None, "source": ["Other"]},
                {"cell_type": "code", "source": ["y = 2\n", 3, None]},
            ]
        ),
        "bad-metadata.ipynb": nb(
            [{"cell_type": "code", "source": "z = 3"}], metadata={"kernelspec": "python"}
        ),
        "bad-markdown.ipynb": nb(
            [
                {"cell_type": "markdown", "source": "> " * 2000 + "[" * 5000},
                {"cell_type": "code", "source": "a = 1"},
            ]
        ),
        "worksheets.ipynb": json.dumps({"worksheets": [["not a dict"]]}),
        "deep.py": "x = " + "(" * 5000 + ")" * 5000 + "\n",
        "huge-line.py": 'x = "' + "a" * HUGE_LINE + '"; y = 1',
        "syntax-error.py": "def broken(:\n    pass\n" + "y = 1\n" * 1000,
        "empty.sh": "\n",
    }
    docs, idx, yielded = sweep("examples", tmp_path / "ex", files)
    assert {"ok.py", "ok.ipynb", "bad-heading.ipynb", "bad-metadata.ipynb", "bad-markdown.ipynb"} <= yielded
    assert {
        "deep.py",
        "huge-line.py",
        "syntax-error.py",
    } <= yielded  # (what ast cannot parse is indexed whole)
    assert dict(idx.skipped) == {
        "binary": 1,
        "not UTF-8": 1,
        "empty": 1,
        "invalid notebook": 4,  # truncated, a list, cells not a list, worksheets of non-dicts
        "no code": 1,  # bad-cells.ipynb: no cell holds code
    }


def test_devdocs_sweep(tmp_path):
    root = tmp_path / "devdocs"
    lib = root / "mylib~1"
    pages: dict[str, str | bytes] = {
        "good.html": "<h1>Good</h1><p>A good page.</p>"
        '<dl><dt id="f"><code>f(x)</code></dt><dd><p>Eff.</p></dd></dl>',
        "binary.html": b"\x00\x01\x02\x03",
        "truncated.html": '<h1>Cut</h1><dl><dt id="g"><code>g()</code></dt><dd><p>The page st',
        "comment.html": "<!-- nothing -->",
        "huge.html": "<p>" + "x " * (HUGE_LINE // 2) + "</p>",
        "badutf8.html": b"<p>caf\xe9</p>",
    }
    entries = [
        {"name": "Good", "path": "good", "type": "t"},
        {"name": "f()", "path": "good#f", "type": "t"},
        {"name": "missing anchor", "path": "good#nope", "type": "t"},
        {"name": "binary", "path": "binary", "type": "t"},
        {"name": "g()", "path": "truncated#g", "type": "t"},
        {"name": "comment", "path": "comment", "type": "t"},
        {"name": "huge", "path": "huge", "type": "t"},
        {"name": "bad", "path": "badutf8", "type": "t"},
        {"name": "gone", "path": "gone", "type": "t"},
        {"name": 5, "path": "good"},  # not a name: left out of the index
    ]
    write(lib, {**pages, "index.json": json.dumps({"entries": entries})})
    write(root / "broken~1", {"index.json": b"\x00\x01", "p.html": "<p>x</p>"})
    write(root / "odd~1", {"index.json": json.dumps({"entries": [1, "x", None]}), "p.html": "<p>x</p>"})
    (root / "notes~1").mkdir()
    (root / "notes~1" / "index.json").write_text(json.dumps({"entries": "nope"}))
    archive = tmp_path / "cut.tar.xz"
    archive.write_bytes(lzma.compress(b"not a tar at all" * 1000)[:500])
    idx = make_indexer("devdocs", [str(root), str(archive)], max_file_bytes=5_000_000)
    docs = list(idx.iter_documents())
    assert {d.id for d in docs if d.kind == "doc"} == {
        "mylib.good",
        "mylib.good#f",
        "mylib.truncated#g",
        "mylib.huge",
    }
    assert dict(idx.skipped) == {
        "anchor not found": 1,
        "binary": 2,  # a page, and broken~1's index.json
        "not UTF-8": 1,
        "unparsable HTML": 1,
        "entries of an unreadable page": 3,
        "missing page": 1,
        "invalid index.json": 2,  # odd~1 and notes~1
        "library without index.json": 2,  # broken~1 and odd~1: their pages are never read
        "corrupt archive": 1,
    }


def test_a_reader_failure_is_a_counted_skip(tmp_path, monkeypatch):
    from docprompt.indexers.examples import CodeExamplesIndexer

    write(tmp_path / "ex", {"a.py": "x = 1\n", "b.ipynb": json.dumps({"cells": []}), "c.sh": "ls\n"})

    def boom(self, file, text):
        raise TypeError("a bug in a reader")

    monkeypatch.setattr(CodeExamplesIndexer, "_python", boom)
    monkeypatch.setattr(CodeExamplesIndexer, "_notebook", boom)
    docs, idx = run("examples", tmp_path / "ex")
    assert [Path(d.source).name for d in docs] == ["c.sh"]
    assert dict(idx.skipped) == {"unreadable python": 1, "invalid notebook": 1}

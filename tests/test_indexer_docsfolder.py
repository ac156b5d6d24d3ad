from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest

from docprompt.config import BuildSettings
from docprompt.errors import BadInput
from docprompt.indexers import get_indexer, make_indexer
from docprompt.indexers._outline import describe, guess_language, slugify
from docprompt.indexers.docsfolder import DocsFolderIndexer
from docprompt.models import Document
from docprompt.retrieve import search
from docprompt.store import registry
from docprompt.store.build import build_index

GUIDE_MD = """\
---
title: The Guide
layout: page
---
Read this first.

# mytool

A tool that does things.

## Install

### From source

Clone the repository. Then build it with make:

```bash
git clone https://example.com/mytool.git
# not a heading: a comment inside a fence
cd mytool && make install
```

~~~
$ mytool --version
~~~

### With pip {#pip-install}

Install the wheel with [pip](https://pip.pypa.io) into a **virtual** environment:

```python title="install.py"
import subprocess
subprocess.run(["pip", "install", "mytool"], check=True)
```

Usage
-----

Call `mytool.run()` to start.

```text
this is output, not code
```

```{note}
Notes are prose.
```

## Install

A second section with the same title.
"""

API_RST = """\
.. _api:

=========
MyLib API
=========

The public API of mylib.

Reading files
=============

Use :func:`mylib.read` to load a file into a :class:`Frame <mylib.Frame>`.

.. code-block:: python
   :caption: Read a CSV file

   import mylib
   frame = mylib.read("data.csv")

Shell usage
-----------

Convert a file from the shell::

    $ mylib convert in.csv out.parquet

.. note::

   Notes are read as text.

.. toctree::
   :maxdepth: 2

   hidden-toctree-entry

.. a comment that is not indexed

>>> import mylib
>>> mylib.version()
'1.0'

Writing files
=============

Use ``Frame.write``.
"""

SPHINX_HTML = """\
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Quickstart &#8212; MyLib 1.0 documentation</title>
<script>var NAV_SCRIPT = 1;</script><style>.body { color: red }</style></head>
<body>
<div class="related" role="navigation"><ul><li><a href="index.html">RELATED NAV</a></li></ul></div>
<div class="document"><div class="documentwrapper"><div class="bodywrapper">
<div class="body" role="main">
<section id="quickstart">
<h1>Quickstart<a class="headerlink" href="#quickstart" title="Link to this heading">¶</a></h1>
<p>This page gets you going with <em>mylib</em>.</p>
<section id="loading-data">
<h2>Loading data<a class="headerlink" href="#loading-data">¶</a></h2>
<p>Frames hold tables. Load a CSV file into a frame with <code class="docutils literal">mylib.load</code>:</p>
<div class="highlight-python notranslate"><div class="highlight"><pre><span></span><span
class="kn">import</span> <span class="nn">mylib</span>
<span class="n">frame</span> <span class="o">=</span> <span class="n">mylib</span><span
class="o">.</span><span class="n">load</span><span class="p">(</span><span class="s2">"data.csv"</span><span
class="p">)</span>
</pre></div></div>
<ul><li><p>First point</p></li><li><p>Second point</p></li></ul>
<table><tr><th>Option</th><th>Meaning</th></tr><tr><td>-v</td><td>verbose output</td></tr></table>
</section>
<section id="command-line">
<h2>Command line<a class="headerlink" href="#command-line">¶</a></h2>
<p>From a terminal, load a file and print its shape:</p>
<div class="highlight-console notranslate"><div class="highlight"><pre><span class="gp">$ </span
>mylib load data.csv --shape</pre></div></div>
<h5>A minor heading</h5><p>Deep text stays in its section.</p>
<div class="highlight-none notranslate"><div class="highlight"><pre>(3, 4)</pre></div></div>
</section>
</section>
</div></div></div>
<div class="sphinxsidebar" role="navigation"><h3>SIDEBAR NAVIGATION</h3></div>
</div>
<div class="footer">&#169; FOOTER TEXT</div>
</body></html>
"""


def make_tree(root: Path) -> Path:
    docs = root / "mydocs"
    (docs / "build" / "html" / "_static").mkdir(parents=True)
    (docs / "build" / "html" / "_sources").mkdir(parents=True)
    (docs / "guide.md").write_text(GUIDE_MD)
    (docs / "api.rst").write_text(API_RST)
    (docs / "build" / "html" / "quickstart.html").write_text(SPHINX_HTML)
    (docs / "build" / "html" / "genindex.html").write_text(
        "<html><body><h1>Index</h1><p>GENINDEX</p></body></html>"
    )
    (docs / "build" / "html" / "_static" / "theme.html").write_text("<p>STATIC</p>")
    (docs / "build" / "html" / "_sources" / "quickstart.rst.txt").write_text("Quickstart\n==========\n")
    return docs


@pytest.fixture
def tree(tmp_path) -> Path:
    return make_tree(tmp_path)


def run(paths, **options) -> tuple[dict[str, Document], DocsFolderIndexer]:
    idx = DocsFolderIndexer(paths if isinstance(paths, list) else [paths], **options)
    docs = list(idx.iter_documents())
    ids = [d.id for d in docs]
    assert len(ids) == len(set(ids)), "document ids must be unique"
    for d in docs:
        if d.kind == "example":
            assert d.metadata["section_id"] in ids, "an example links to a section that was yielded"
    return {d.id: d for d in docs}, idx


def test_registered_and_helpers():
    assert get_indexer("docs") is DocsFolderIndexer
    assert slugify("From `source` (fast)!") == "from-source-fast"
    assert guess_language("$ ls -la") == "bash" and guess_language(">>> 1 + 1\n2") == "python"
    assert guess_language("import os\nos.getcwd()") == "python" and guess_language("hello world") == "text"
    long = "First sentence is here. " * 30 + "Then run this:"
    assert describe(long, 70) == "First sentence is here. First sentence is here. Then run this:"


def test_markdown_sections(tree):
    docs, idx = run(tree / "guide.md")
    sections = {i: d for i, d in docs.items() if d.kind == "doc"}
    assert list(sections) == [
        "mydocs/guide.md",
        "mydocs/guide.md#mytool",
        "mydocs/guide.md#from-source",
        "mydocs/guide.md#pip-install",
        "mydocs/guide.md#usage",
        "mydocs/guide.md#install-1",
    ]  # "## Install" has no text of its own; the fence's "# not a heading" is not a heading
    pre = sections["mydocs/guide.md"]
    assert pre.title == "The Guide" and pre.text == "Read this first." and "layout" not in pre.text
    src = sections["mydocs/guide.md#from-source"]
    assert src.title == "mytool > Install > From source"
    assert src.metadata["headings"] == ["mytool", "Install", "From source"]
    assert src.metadata["heading"] == "From source" and src.metadata["path"] == "guide.md"
    assert src.uri == (tree / "guide.md").resolve().as_uri() + "#from-source"
    assert src.text.startswith("From source\n\nClone the repository.") and "git clone" in src.text
    assert src.kind == "doc" and src.language == "markdown" and src.metadata["format"] == "markdown"
    assert sections["mydocs/guide.md#pip-install"].title == "mytool > Install > With pip"
    assert sections["mydocs/guide.md#usage"].title == "mytool > Usage"  # a setext heading
    assert "Notes are prose." in sections["mydocs/guide.md#usage"].text
    assert sections["mydocs/guide.md#install-1"].title == "mytool > Install"
    assert not idx.skipped


def test_markdown_fences_are_examples(tree):
    docs, _ = run(tree / "guide.md")
    examples = [d for d in docs.values() if d.kind == "example"]
    assert [d.id for d in examples] == ["mydocs/guide.md#ex1", "mydocs/guide.md#ex2", "mydocs/guide.md#ex3"]
    ex1, ex2, ex3 = examples
    assert ex1.language == "bash" and ex1.metadata["section_id"] == "mydocs/guide.md#from-source"
    assert ex1.metadata["heading"] == "From source" and ex1.title == "mytool > Install > From source"
    assert ex1.metadata["description"] == "Clone the repository. Then build it with make:"
    assert ex1.text == (
        "From source\nClone the repository. Then build it with make:\n\n"
        "git clone https://example.com/mytool.git\n# not a heading: a comment inside a fence\n"
        "cd mytool && make install"
    )
    assert ex1.paragraphs == [ex1.text] and ex1.uri.endswith("guide.md#from-source")
    assert ex2.language == "bash" and ex2.text.endswith("$ mytool --version")  # untagged ~~~, guessed
    assert ex3.language == "python" and ex3.metadata["section_id"] == "mydocs/guide.md#pip-install"
    assert ex3.metadata["description"] == "Install the wheel with pip into a virtual environment:"
    assert all("this is output" not in d.text for d in examples)  # ```text is not code


def test_rst(tree):
    docs, idx = run(tree / "api.rst")
    sections = {i: d for i, d in docs.items() if d.kind == "doc"}
    assert list(sections) == [
        "mydocs/api.rst#mylib-api",
        "mydocs/api.rst#reading-files",
        "mydocs/api.rst#shell-usage",
        "mydocs/api.rst#writing-files",
    ]
    assert sections["mydocs/api.rst#shell-usage"].title == "MyLib API > Reading files > Shell usage"
    assert sections["mydocs/api.rst#writing-files"].title == "MyLib API > Writing files"
    shell = sections["mydocs/api.rst#shell-usage"]
    assert shell.language == "rst" and "Notes are read as text." in shell.text
    assert "hidden-toctree-entry" not in shell.text and "a comment" not in shell.text
    examples = {d.id: d for d in docs.values() if d.kind == "example"}
    assert len(examples) == 3
    read = examples["mydocs/api.rst#ex1"]
    assert read.language == "python" and read.metadata["description"] == "Read a CSV file"  # the caption
    assert read.text.endswith('import mylib\nframe = mylib.read("data.csv")') and ":caption:" not in read.text
    literal = examples["mydocs/api.rst#ex2"]
    assert literal.language == "bash" and literal.metadata["description"] == "Convert a file from the shell:"
    assert literal.text.endswith("$ mylib convert in.csv out.parquet")
    assert literal.metadata["section_id"] == "mydocs/api.rst#shell-usage"
    doctest = examples["mydocs/api.rst#ex3"]
    assert doctest.language == "python" and doctest.text.endswith(">>> mylib.version()\n'1.0'")
    assert not idx.skipped


def test_sphinx_html(tree):
    docs, idx = run(tree)
    html = {i: d for i, d in docs.items() if "quickstart.html" in i}
    assert not any("genindex" in i or "_static" in i or "_sources" in i for i in docs)
    base = "mydocs/build/html/quickstart.html"
    assert list(html) == [
        f"{base}#quickstart",
        f"{base}#loading-data",
        f"{base}#ex1",
        f"{base}#command-line",
        f"{base}#ex2",
    ]
    text = "\n".join(d.text for d in html.values())
    for junk in ("RELATED NAV", "SIDEBAR", "FOOTER", "NAV_SCRIPT", "color: red", "¶"):
        assert junk not in text
    load = html[f"{base}#loading-data"]
    assert load.title == "Quickstart > Loading data" and load.uri.endswith("quickstart.html#loading-data")
    assert "- First point\n- Second point" in load.text and "-v | verbose output" in load.text
    ex1 = html[f"{base}#ex1"]
    assert ex1.language == "python" and ex1.metadata["section_id"] == f"{base}#loading-data"
    assert ex1.metadata["description"] == "Frames hold tables. Load a CSV file into a frame with mylib.load:"
    assert ex1.text.endswith('import mylib\nframe = mylib.load("data.csv")')
    cli = html[f"{base}#command-line"]
    assert "A minor heading" in cli.text and "Deep text" in cli.text  # h5 stays in its section
    ex2 = html[f"{base}#ex2"]
    assert ex2.language == "bash" and ex2.text.endswith("$ mylib load data.csv --shape")
    assert "(3, 4)" in cli.text and "(3, 4)" not in ex2.text  # highlight-none is output, not an example
    assert not idx.skipped


def test_truncated_html_is_read_best_effort(tmp_path):
    page = tmp_path / "cut.html"
    page.write_text(SPHINX_HTML[: SPHINX_HTML.index("<h2>Command line")])
    docs, idx = run(page)
    assert [d.metadata["heading"] for d in docs.values() if d.kind == "doc"] == ["Quickstart", "Loading data"]
    assert any(d.kind == "example" for d in docs.values()) and not idx.skipped


def test_plain_html_without_main_or_ids(tmp_path):
    (tmp_path / "p.html").write_text(
        "<html><body><nav>MENU</nav><h2>Setup</h2><p>Install it:</p>"
        '<pre><code class="language-sh">pip install x</code></pre><h2>Setup</h2><p>Again.</p>'
    )
    docs, _ = run(tmp_path)
    d = tmp_path.name
    assert set(docs) == {f"{d}/p.html#setup", f"{d}/p.html#ex1", f"{d}/p.html#setup-1"}
    assert docs[f"{d}/p.html#setup"].title == "p > Setup"  # no h1: the page name leads the path
    assert docs[f"{d}/p.html#ex1"].language == "bash" and "MENU" not in docs[f"{d}/p.html#setup"].text


def test_broken_inputs_are_skipped_and_counted(tmp_path):
    root = tmp_path / "d"
    root.mkdir()
    (root / "good.md").write_text("# Good\n\nStill indexed.\n")
    (root / "latin1.md").write_bytes("# Caf\xe9\n\nna\xefve\n".encode("latin-1"))
    (root / "binary.rst").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (root / "empty.md").write_text("  \n\n")
    (root / "huge.md").write_bytes(b"x" * 10_000_000)  # one 10 MB line
    (root / "comment.html").write_text("<!-- nothing but a comment -->")
    (root / "navonly.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    outside = tmp_path / "secret.md"
    outside.write_text("# Secret\n\nOutside the root.\n")
    try:
        (root / "link.md").symlink_to(outside)
    except OSError:
        pytest.skip("symlinks not supported here")
    idx = make_indexer("docs", [str(root)], max_file_bytes=5_000_000)
    docs = list(idx.iter_documents())
    assert [d.id for d in docs] == ["d/good.md#good"]
    assert dict(idx.skipped) == {
        "not UTF-8": 1,
        "binary": 1,
        "empty": 1,
        "too large": 1,
        "unparsable HTML": 1,
        "no text": 1,
        "symlink out of root": 1,
    }


def test_large_single_line_file_is_fast(tmp_path):
    (tmp_path / "one.md").write_text("Intro " + "word [link](x) `c` **b** <i>x</i> " * 60_000)
    (tmp_path / "one.html").write_text("<p>" + "word <b>bold</b> " * 60_000 + "</p>")
    docs, idx = run(tmp_path)
    assert len(docs) == 2 and all(len(d.text) > 500_000 for d in docs.values()) and not idx.skipped


def test_options(tree, tmp_path):
    with pytest.raises(BadInput, match="takes no option 'bogus'"):
        make_indexer("docs", [str(tree)], {"bogus": 1}, max_file_bytes=5_000_000)
    with pytest.raises(BadInput, match="cannot read '.txt'"):
        DocsFolderIndexer([tree], extensions=["txt"])
    with pytest.raises(BadInput, match="max_level"):
        DocsFolderIndexer([tree], max_level=0)
    with pytest.raises(BadInput, match="does not exist"):
        DocsFolderIndexer([tmp_path / "missing"])
    docs, _ = run(tree, examples=False, extensions=["md"])
    assert docs and all(d.kind == "doc" and d.metadata["path"] == "guide.md" for d in docs.values())
    docs, _ = run(tree / "guide.md", max_level=2)
    assert "mydocs/guide.md#from-source" not in docs
    assert "From source" in docs["mydocs/guide.md#install"].text
    assert docs["mydocs/guide.md#ex1"].metadata["section_id"] == "mydocs/guide.md#install"
    docs, _ = run(tree, exclude=["build/html/*", "api.rst"])
    assert {d.metadata["path"] for d in docs.values()} == {"guide.md"}


def _real_markdown_folder() -> Path | None:
    candidates = [
        Path("/usr/lib/node_modules/npm/node_modules/undici/docs"),
        Path("/usr/lib/node_modules/npm/docs/content"),
        Path(sys.prefix)
        / "lib"
        / f"python{sys.version_info.major}.{sys.version_info.minor}"
        / "site-packages",
    ]
    for path in candidates:
        if path.is_dir() and len(list(itertools.islice(path.rglob("*.md"), 5))) == 5:
            return path
    return None


@pytest.mark.skipif(_real_markdown_folder() is None, reason="no folder of real Markdown docs on this machine")
def test_real_markdown_folder():
    folder = _real_markdown_folder()
    assert folder is not None
    docs, idx = run(folder, extensions=["md"])
    sections = [d for d in docs.values() if d.kind == "doc"]
    assert len(sections) >= 5 and all(d.text.strip() and d.title for d in sections)
    assert all(d.language != "" for d in docs.values() if d.kind == "example")
    assert "unparsable HTML" not in idx.skipped


def test_index_build_and_search_finds_an_example(tree, home):
    idx = DocsFolderIndexer([tree])
    manifest = build_index(
        registry.path_of("docs"),
        idx.iter_documents(),
        name="docs",
        indexer="docs",
        roots=idx.roots,
        skipped=idx.skipped,
        settings=BuildSettings(embedder="hash:64"),
    )
    assert manifest.counts["documents"] >= 15 and manifest.indexer == "docs"
    index = registry.open_index("docs")
    hits = search(index, "git clone then make install", k=3)
    assert "mydocs/guide.md#ex1" in [h.chunk.doc_id for h in hits]
    examples = search(index, "git clone then make install", k=3, filters={"kind": "example"})
    top = examples[0].chunk
    assert top.doc_id == "mydocs/guide.md#ex1" and top.language == "bash" and "git clone" in top.text
    assert top.metadata["section_id"] == "mydocs/guide.md#from-source"

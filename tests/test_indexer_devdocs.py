from __future__ import annotations

import io
import json
import lzma
import os
import tarfile
from pathlib import Path

import pytest

from docprompt.errors import BadInput
from docprompt.indexers import get_indexer
from docprompt.indexers.devdocs import DevDocsIndexer
from docprompt.models import Document
from docprompt.retrieve import search

TARBALL = ("devdocs", "devdocs-13libs.tar.xz")

# A DevDocs page in the Sphinx shape the real bundles use: a page title, an API <dl> with a
# "[source]" link, a class whose methods have entries of their own, an attribute whose
# description DevDocs left after its <dl>, and headings that are entries.
API_PAGE = """<h1>API</h1> <p>The mylib API reference, with everything a user calls.</p>
<dl class="py function"> <dt id="mylib.add"><code>mylib.add(a, b=1)</code>
<a class="reference external" href="x"><span class="viewcode-link">[source]</span></a></dt>
<dd><p>Add two numbers.</p> <p>Returns their sum.</p>
<pre data-language="python">&gt;&gt;&gt; mylib.add(1, 2)
3</pre><pre>&gt;&gt;&gt; mylib.add(2, 2)
4</pre><pre>&gt;&gt;&gt; mylib.add(3, 3)
6</pre><pre>&gt;&gt;&gt; mylib.add(4, 4)
8</pre></dd></dl>
<dl class="py class"><dt id="mylib.Box"><code>class mylib.Box(size)</code></dt>
<dd><p>A box that holds things.</p>
<dl class="py method"><dt id="mylib.Box.open"><code>open()</code></dt><dd><p>Open the box.</p></dd></dl>
</dd></dl>
<dl class="attribute"><dt id="mylib.Box.lid"><code>lid</code></dt></dl> <p>The lid of the box.</p>
<h2 id="settings">Settings</h2> <p>How to configure mylib.</p>
<h3 id="DEBUG">DEBUG</h3> <p>Turns on debugging.</p>
<h2 id="other">Other</h2> <p>Unrelated text.</p>
<div class="_attribution"><p>&copy; mylib authors</p></div>
"""
API_ENTRIES = [
    ("API", "api", "Manual"),
    ("mylib.add()", "api#mylib.add", "mylib"),
    ("Box", "api#mylib.Box", "mylib"),
    ("Box.open()", "api#mylib.Box.open", "mylib"),
    ("Box.lid", "api#mylib.Box.lid", "mylib"),
    ("Settings", "api#settings", "Settings"),
    ("DEBUG", "api#DEBUG", "Settings"),
]


def make_library(root: Path, slug: str, pages: dict[str, str | bytes], entries) -> Path:
    lib = root / slug
    for path, content in pages.items():
        f = lib / f"{path}.html"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(content.encode() if isinstance(content, str) else content)
    lib.mkdir(parents=True, exist_ok=True)
    index = {"entries": [{"name": n, "path": p, "type": t} for n, p, t in entries], "types": []}
    (lib / "index.json").write_text(json.dumps(index))
    return lib


def by_id(docs: list[Document]) -> dict[str, Document]:
    ids = [d.id for d in docs]
    assert len(ids) == len(set(ids)), "document ids must be unique"
    return {d.id: d for d in docs}


def entries(docs: list[Document]) -> list[Document]:
    return [d for d in docs if d.kind == "doc"]


@pytest.fixture
def bundle(tmp_path) -> Path:
    root = tmp_path / "devdocs"
    make_library(root, "mylib~1.0", {"api": API_PAGE}, API_ENTRIES)
    return root


# --- the id scheme and the text of each kind of entry ---


def test_ids_text_and_metadata(bundle):
    idx = DevDocsIndexer([bundle])
    docs = by_id(list(idx.iter_documents()))
    assert set(d.id for d in entries(docs.values())) == {
        "mylib.api",
        "mylib.api#mylib.add",
        "mylib.api#mylib.Box",
        "mylib.api#mylib.Box.open",
        "mylib.api#mylib.Box.lid",
        "mylib.api#settings",
        "mylib.api#DEBUG",  # the anchor keeps its case, the page path does not
    }
    add = docs["mylib.api#mylib.add"]
    assert add.text == "mylib.add(a, b=1)\nAdd two numbers.\nReturns their sum."  # no "[source]"
    assert add.title == "mylib.add()" and add.kind == "doc" and add.language == "python"
    assert add.uri == "mylib~1.0/api#mylib.add" and add.paragraphs == [add.text]
    assert add.metadata == {
        "library": "mylib",
        "version": "1.0",
        "symbol": "mylib.add()",
        "type": "mylib",
        "page": "mylib.api",
        "path": "api#mylib.add",
    }
    box = docs["mylib.api#mylib.Box"].text
    assert box.startswith("class mylib.Box(size)\nA box that holds things.") and "Open the box" not in box
    # the name is added when the signature alone does not say it
    assert docs["mylib.api#mylib.Box.open"].text == "Box.open()\nopen()\nOpen the box."
    assert docs["mylib.api#mylib.Box.lid"].text == "Box.lid\nlid\nThe lid of the box."
    assert docs["mylib.api#DEBUG"].text == "DEBUG\nTurns on debugging."
    settings = docs["mylib.api#settings"].text
    assert settings.startswith("Settings\nHow to configure mylib.") and "Unrelated" not in settings
    top = docs["mylib.api"].text
    assert top == "API\nThe mylib API reference, with everything a user calls."
    assert not idx.skipped


def test_examples_are_capped_and_optional(bundle):
    docs = by_id(list(DevDocsIndexer([bundle], max_examples=3).iter_documents()))
    examples = [d for d in docs.values() if d.kind == "example"]
    assert [d.id for d in examples] == [f"mylib.api#mylib.add/example/{i}" for i in range(3)]
    first = examples[0]
    assert first.text == ">>> mylib.add(1, 2)\n3" and first.metadata["example_of"] == "mylib.api#mylib.add"
    assert first.metadata["page"] == "mylib.api" and first.title == "mylib.add()"
    none = list(DevDocsIndexer([bundle], examples=False).iter_documents())
    assert none and all(d.kind == "doc" for d in none)


def test_text_is_capped(tmp_path):
    long = " ".join(["word"] * 2000)
    args = ", ".join(f"a{i}=None" for i in range(300))
    page = f'<dl><dt id="f"><code>f({args})</code></dt><dd><p>{long}</p></dd></dl>'
    lib = make_library(tmp_path, "big~1", {"p": page}, [("f()", "p#f", "t")])
    [doc] = entries(list(DevDocsIndexer([lib], max_chars=500).iter_documents()))
    assert len(doc.text) <= 500 and doc.text.startswith("f(a0=None") and "word word" in doc.text


def test_single_library_folder_and_library_filter(bundle):
    lib = bundle / "mylib~1.0"
    alone = {d.id for d in DevDocsIndexer([lib]).iter_documents()}
    assert "mylib.api#mylib.add" in alone
    make_library(
        bundle, "other~2", {"index": "<h1>Other</h1><p>Another library.</p>"}, [("Other", "index", "x")]
    )
    both = {d.id for d in DevDocsIndexer([bundle]).iter_documents()}
    assert both == alone | {"other.index"}
    idx = DevDocsIndexer([bundle], libraries=["other", "nosuchlib"])
    assert {d.id for d in idx.iter_documents()} == {"other.index"}
    assert idx.skipped == {"requested library not found": 1}


def test_registered_and_bad_options(tmp_path):
    assert get_indexer("devdocs") is DevDocsIndexer
    with pytest.raises(BadInput, match="does not exist"):
        DevDocsIndexer([tmp_path / "nope.tar.xz"])
    with pytest.raises(BadInput, match="max_chars"):
        DevDocsIndexer([tmp_path], max_chars=10)


# --- broken inputs: each is skipped and counted, the rest is indexed ---


def test_broken_pages_are_skipped_and_counted(tmp_path):
    outside = tmp_path / "outside.html"
    outside.write_text('<dl><dt id="secret"><code>secret()</code></dt><dd><p>Not yours.</p></dd></dl>')
    truncated = API_PAGE[: API_PAGE.index("<h2")]  # cut before the headings: their anchors are gone
    pages: dict[str, str | bytes] = {
        "api": truncated,
        "badutf8": b"<h1>Bad</h1><p>caf\xe9 \xff\xfe</p>",
        "empty": "  \n",
        "huge": "<p>" + "x" * 10_000_000 + "</p>",  # one 10 MB line
    }
    lib = make_library(
        tmp_path / "docs",
        "mylib~1.0",
        pages,
        [*API_ENTRIES, ("Bad", "badutf8", "t"), ("Empty", "empty", "t"), ("Huge", "huge", "t")]
        + [("Gone", "gone#x", "t"), ("Gone2", "gone", "t"), ("Secret", "linked#secret", "t")],
    )
    (lib / "linked.html").symlink_to(outside)
    idx = DevDocsIndexer([lib])
    docs = by_id(list(idx.iter_documents()))
    assert "mylib.api#mylib.add" in docs and "mylib.api#DEBUG" not in docs
    assert not any("secret" in d.id for d in docs.values())
    assert idx.skipped == {
        "anchor not found": 2,  # DEBUG and settings were cut off
        "not UTF-8": 1,
        "empty": 1,
        "too large": 1,
        "symlink out of root": 1,
        "entries of an unreadable page": 4,
        "missing page": 2,
    }


def test_invalid_index_json_skips_only_that_library(bundle):
    bad = make_library(bundle, "broken~1", {"index": "<h1>B</h1><p>Text.</p>"}, [])
    (bad / "index.json").write_text('{"entries": [{"name": "B", "path": "ind')
    idx = DevDocsIndexer([bundle])
    docs = list(idx.iter_documents())
    assert "mylib.api#mylib.add" in {d.id for d in docs}
    assert not any(d.metadata["library"] == "broken" for d in docs)
    assert idx.skipped == {"invalid index.json": 1, "library without index.json": 1}


def test_duplicate_names_for_one_anchor_become_aliases(tmp_path):
    lib = make_library(
        tmp_path,
        "game",
        {"ref/mouse": "<h1>pygame.mouse</h1><p>Work with the mouse.</p>"},
        [("module-mouse", "ref/mouse", "m"), ("mouse", "ref/mouse", "m")],
    )
    idx = DevDocsIndexer([lib])
    [doc] = list(idx.iter_documents())
    assert doc.id == "game.ref.mouse" and doc.title == "mouse" and doc.metadata["aliases"] == ["module-mouse"]
    assert idx.skipped == {"duplicate id": 1}


def tar_bytes(members: list[tuple[tarfile.TarInfo, bytes | None]]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def file_member(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def test_archive_is_read_without_extracting(bundle, tmp_path):
    lib = bundle / "mylib~1.0"
    link = tarfile.TarInfo("./mylib~1.0/link.html")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    members = [
        file_member("./mylib~1.0/index.json", (lib / "index.json").read_bytes()),
        file_member("./mylib~1.0/api.html", (lib / "api.html").read_bytes()),
        file_member("../evil~1/index.html", b"<p>escape</p>"),
        file_member("/abs~1/index.html", b"<p>absolute</p>"),
        (link, None),
    ]
    archive = tmp_path / "bundle.tar.xz"
    archive.write_bytes(lzma.compress(tar_bytes(members)))
    before = set(os.listdir(tmp_path))
    idx = DevDocsIndexer([archive])
    docs = by_id(list(idx.iter_documents()))
    assert docs["mylib.api#mylib.add"].source == f"{archive}/mylib~1.0/api.html"
    assert docs.keys() == by_id(list(DevDocsIndexer([bundle]).iter_documents())).keys()
    assert idx.skipped == {"unsafe path in archive": 2, "not a regular file": 1}
    assert set(os.listdir(tmp_path)) == before and not (tmp_path.parent / "evil~1").exists()


def test_corrupt_and_truncated_archives(bundle, tmp_path):
    garbage = tmp_path / "garbage.tar.xz"
    garbage.write_bytes(os.urandom(5000))
    idx = DevDocsIndexer([garbage])
    assert list(idx.iter_documents()) == [] and idx.skipped == {"corrupt archive": 1}

    lib = bundle / "mylib~1.0"
    filler = [file_member(f"./filler~1/p{i}.html", os.urandom(200_000).hex().encode()) for i in range(5)]
    members = [
        file_member("./mylib~1.0/index.json", (lib / "index.json").read_bytes()),
        file_member("./mylib~1.0/api.html", (lib / "api.html").read_bytes()),
        *filler,
    ]
    data = lzma.compress(tar_bytes(members))
    truncated = tmp_path / "truncated.tar.xz"
    truncated.write_bytes(data[: len(data) // 2])
    idx = DevDocsIndexer([truncated])
    docs = by_id(list(idx.iter_documents()))  # does not raise
    assert "mylib.api#mylib.add" in docs  # what came before the cut is indexed
    assert idx.skipped == {"corrupt archive": 1, "library without index.json": 1}


def test_builds_an_index_with_one_chunk_per_entry(bundle):
    from docprompt.config import BuildSettings
    from docprompt.store.build import build_index
    from docprompt.store.registry import open_index, path_of

    idx = DevDocsIndexer([bundle])
    docs = list(idx.iter_documents())
    manifest = build_index(
        path_of("dd"),
        docs,
        name="dd",
        indexer="devdocs",
        roots=idx.roots,
        settings=BuildSettings(embedder="hash:64"),
    )
    assert manifest.counts["documents"] == len(docs) == manifest.counts["chunks"]
    assert manifest.counts["pages"] == 1  # every entry and example of api.html is one page
    hit = search(open_index("dd"), "add two numbers sum", k=1, mode="sparse")[0]
    assert hit.chunk.doc_id == "mylib.api#mylib.add"


# --- the real DevDocs bundle ---


def conala_oracle(shared: Path) -> set[str]:
    ids: set[str] = set()
    for split in ("train", "dev"):
        for line in (shared / "conala" / f"{split}.jsonl").read_text().splitlines():
            ids.update(json.loads(line)["oracle_man"])
    return ids


@pytest.mark.data
def test_real_flask_from_the_tarball(shared_data):
    idx = DevDocsIndexer([shared_data.joinpath(*TARBALL)], libraries=["flask"])
    docs = by_id(list(idx.iter_documents()))
    assert len(entries(docs.values())) == 483  # flask~2.0/index.json has 483 entries
    oracle = {i for i in conala_oracle(shared_data) if i.startswith("flask.")}
    assert oracle and oracle <= docs.keys()  # e.g. flask.api.index#flask.Flask
    flask = docs["flask.api.index#flask.Flask"]
    assert flask.text.startswith("class flask.Flask(import_name, static_url_path=None")
    assert "WSGI application" in flask.text and "[source]" not in flask.text
    assert flask.metadata["version"] == "2.0" and flask.metadata["page"] == "flask.api.index"
    assert flask.uri == "flask~2.0/api/index#flask.Flask"
    assert any(d.kind == "example" for d in docs.values())
    assert not idx.skipped


@pytest.fixture(scope="module")
def real_pages(tmp_path_factory) -> Path:
    """A few real pages copied out of the tarball, with their libraries' full index.json."""
    from tests.conftest import SHARED_DATA

    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    wanted = {
        "python~3.9/index.json",
        "python~3.9/library/functions.html",
        "python~3.9/library/stdtypes.html",
        "pandas~1/index.json",
        "pandas~1/reference/api/pandas.dataframe.groupby.html",
    }
    root = tmp_path_factory.mktemp("devdocs")
    with tarfile.open(SHARED_DATA.joinpath(*TARBALL), mode="r|xz") as tar:
        for member in tar:
            name = member.name.removeprefix("./")
            if name in wanted:
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                (root / name).write_bytes(tar.extractfile(member).read())
                wanted.discard(name)
            if not wanted:
                break
    return root


@pytest.mark.data
def test_real_pages_give_the_conala_oracle_ids(real_pages, shared_data):
    idx = DevDocsIndexer([real_pages])
    docs = by_id(list(idx.iter_documents()))
    pages = (
        "python.library.functions#",
        "python.library.stdtypes#",
        "pandas.reference.api.pandas.dataframe.groupby",
    )
    oracle = {i for i in conala_oracle(shared_data) if i.startswith(pages)}
    assert len(oracle) > 40 and oracle <= docs.keys()
    s = docs["python.library.functions#sum"].text
    assert s.startswith(
        "sum(iterable, /, start=0)\nSums start and the items of an iterable from left to right"
    )
    assert docs["python.library.stdtypes#str.join"].text.startswith(
        "str.join(iterable)\nReturn a string which"
    )
    groupby = docs["pandas.reference.api.pandas.dataframe.groupby"]
    assert groupby.text.startswith("pandas.DataFrame.groupby\nDataFrame.groupby(by=None, axis=0")
    assert "Group DataFrame using a mapper or by a Series of columns." in groupby.text
    assert groupby.metadata["symbol"] == "pandas.DataFrame.groupby" and groupby.metadata["version"] == "1"
    assert any(
        d.id.startswith("pandas.reference.api.pandas.dataframe.groupby/example/") for d in docs.values()
    )
    # every other page of the two index.json files is absent here, and counted
    assert set(idx.skipped) == {"missing page"} and idx.skipped["missing page"] > 5000


@pytest.mark.data
@pytest.mark.slow
def test_whole_bundle_matches_docprompting_pool(shared_data):
    idx = DevDocsIndexer([shared_data.joinpath(*TARBALL)], examples=False)
    docs = by_id(list(idx.iter_documents()))
    assert 35_700 <= len(docs) <= 35_763  # DocPrompting's pool: 35,763 entries
    assert conala_oracle(shared_data) <= docs.keys()  # all 486 distinct oracle ids of train + dev
    assert idx.skipped == {"duplicate id": 32, "anchor not found": 6, "missing page": 3}

from __future__ import annotations

import os
from pathlib import Path

import pytest

from docprompt.config import BuildSettings
from docprompt.errors import BadInput
from docprompt.indexers import make_indexer
from docprompt.indexers.tldr import TldrIndexer, command_flags, parse_page, render_command
from docprompt.retrieve import search
from docprompt.store.build import build_index
from docprompt.store.registry import open_index, path_of

# The 2021 syntax of the shared data: plain {{placeholders}}, mnemonics in descriptions.
TAR_2021 = """# tar

> Archiving utility.
> Often combined with a compression method, such as gzip or bzip2.
> More information: <https://www.gnu.org/software/tar>.

- [c]reate an archive and write it to a [f]ile:

`tar cf {{target.tar}} {{file1}} {{file2}}`

- E[x]tract a g[z]ipped archive [f]ile into the target directory:

`tar -xzf {{source.tar.gz}} --directory={{path/to/directory}}`
"""

# Today's syntax: option placeholders {{[-o|--output]}}.
TAR_NOW = """# tar

> Archiving utility.
> More information: <https://www.gnu.org/software/tar/manual/tar.html>.

- E[x]tract a (compressed) archive [f]ile into the current directory [v]erbosely:

`tar xvf {{path/to/source.tar[.gz|.bz2|.xz]}}`

- [c]reate a g[z]ipped archive from a directory using relative paths:

`tar czf {{path/to/target.tar.gz}} {{[-C|--directory]}} {{path/to/directory}} .`
"""

LS_NOW = """# ls

> List directory contents.

- List [a]ll files, including hidden files, in [l]ong format:

`ls {{[-la|--all -l]}}`

- List files sorted by size, largest first:

`ls {{[-S|--sort=size]}} {{path/to/directory}}`
"""

GREP = """# grep

> Find patterns in files using regular expressions.

- Search for a pattern in a file:

`grep "{{search_pattern}}" {{path/to/file}}`

- Search the output of another command, ignoring case:

`{{ps aux}} | grep -i {{pattern}}`
"""


def page(folder: Path, name: str, text: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / f"{name}.md"
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text)
    return p


def by_id(indexer: TldrIndexer) -> dict:
    return {d.id: d for d in indexer.iter_documents()}


def test_page_in_the_2021_syntax(tmp_path):
    page(tmp_path / "pages" / "common", "tar", TAR_2021)
    docs = by_id(TldrIndexer([tmp_path / "pages"]))
    assert list(docs) == [
        "tldr/common/tar",
        "tldr/common/tar#card",
        "tldr/common/tar#ex1",
        "tldr/common/tar#ex2",
    ]
    card = docs["tldr/common/tar#card"]  # what the command does and the things its examples do
    assert card.kind == "card" and card.text.startswith("tar")
    doc = docs["tldr/common/tar"]
    assert doc.kind == "doc" and doc.language == "bash" and doc.title == "tar"
    assert doc.text.startswith("tar — Archiving utility.\nOften combined")
    assert doc.text.endswith("More information: https://www.gnu.org/software/tar.")
    assert doc.uri == "https://www.gnu.org/software/tar"
    assert doc.metadata == {
        "command": "tar",
        "platform": "common",
        "page": "tldr/common/tar",
        "url": "https://www.gnu.org/software/tar",
        "examples": 2,
    }
    ex1, ex2 = docs["tldr/common/tar#ex1"], docs["tldr/common/tar#ex2"]
    assert ex1.kind == "example" and ex1.language == "bash" and ex1.metadata["page"] == "tldr/common/tar"
    assert ex1.text == "Create an archive and write it to a file:\ntar cf {{target.tar}} {{file1}} {{file2}}"
    assert ex1.metadata["flags"] == ["-c", "-f"]  # a dashless bundle spelled out by the mnemonics
    assert ex2.text.startswith("Extract a gzipped archive file into the target directory:\ntar -xzf {{source")
    assert ex2.metadata["flags"] == ["-xzf", "-x", "-z", "-f", "--directory"]
    assert ex2.metadata["cmd"] == "tar -xzf {{source.tar.gz}} --directory={{path/to/directory}}"


def test_page_in_todays_syntax(tmp_path):
    page(tmp_path / "pages" / "common", "tar", TAR_NOW)
    page(tmp_path / "pages" / "common", "ls", LS_NOW)
    docs = by_id(TldrIndexer([tmp_path / "pages"]))
    ex = docs["tldr/common/tar#ex2"]
    assert ex.text == (
        "Create a gzipped archive from a directory using relative paths:\n"
        "tar czf {{path/to/target.tar.gz}} -C|--directory {{path/to/directory}} ."
    )
    assert ex.metadata["flags"] == ["-C", "--directory"]  # f is no mnemonic here: czf stays unsplit
    assert docs["tldr/common/tar#ex1"].text.endswith("tar xvf {{path/to/source.tar[.gz|.bz2|.xz]}}")
    assert docs["tldr/common/tar#ex1"].metadata["flags"] == ["-x", "-v", "-f"]
    assert docs["tldr/common/ls#ex1"].text == (
        "List all files, including hidden files, in long format:\nls -la|--all -l"
    )
    assert docs["tldr/common/ls#ex1"].metadata["flags"] == ["-la", "--all", "-l"]
    assert docs["tldr/common/ls#ex2"].metadata["flags"] == ["-S", "--sort"]
    assert "url" not in docs["tldr/common/ls"].metadata and docs["tldr/common/ls"].uri.startswith("file://")


@pytest.mark.parametrize(
    "command, names, mnemonics, flags",
    [
        ("tar -xzf {{a}}", {"tar"}, "xzf", ["-xzf", "-x", "-z", "-f"]),
        ("tar -xzf {{a}}", {"tar"}, "", ["-xzf"]),
        ("find {{.}} -name '{{*.py}}' -type f", {"find"}, "", ["-name", "-type"]),
        ("{{ps aux}} | grep -i {{pattern}} | sort -r", {"grep"}, "", ["-i"]),  # the page's own command
        ("ls -l | wc -l", {"nothing"}, "", ["-l"]),  # no segment runs it: the first one
        ("sudo LANG=C git commit -m '{{msg}}'", {"git-commit", "git"}, "", ["-m"]),
        ("case {{x}} in {{[wW]|words}}) {{wc -w README}};; esac", {"case"}, "", []),  # plain placeholders
        ("curl --output={{f}} {{[-L|--location]}} {{url}}", {"curl"}, "", ["--output", "-L", "--location"]),
        ("7z x {{archive.7z}}", {"7z"}, "x", []),  # one letter after a command is a subcommand
        ("head -5 {{file}}", {"head"}, "", ["-5"]),
    ],
)
def test_command_flags(command, names, mnemonics, flags):
    assert command_flags(command, names, set(mnemonics)) == flags


def test_render_command_keeps_other_brackets():
    assert render_command("tar xf {{src.tar[.gz|.xz]}} {{[-C|--directory]}} {{[::]:80}}") == (
        "tar xf {{src.tar[.gz|.xz]}} -C|--directory {{[::]:80}}"
    )


def test_platforms_and_inputs(tmp_path):
    pages = tmp_path / "tldr" / "pages"
    page(pages / "common", "tar", TAR_2021)
    page(pages / "linux", "tar", TAR_NOW)
    page(pages / "linux", "grep", GREP)
    (tmp_path / "tldr" / "README.md").write_text("# tldr-pages\n\n> Not a page.\n")
    # The checkout root reads pages/ only; the same command on two platforms is kept twice.
    ix = TldrIndexer([tmp_path / "tldr"])
    docs = [d for d in ix.iter_documents() if d.kind == "doc"]
    assert [d.id for d in docs] == ["tldr/common/tar", "tldr/linux/grep", "tldr/linux/tar"]
    assert [d.metadata["platform"] for d in docs] == ["common", "linux", "linux"]
    assert ix.pages == 3 and ix.examples == 6 and not ix.skipped
    ix = TldrIndexer([pages], platforms=["linux"])
    assert {d.id for d in ix.iter_documents() if d.kind == "doc"} == {"tldr/linux/grep", "tldr/linux/tar"}
    assert ix.skipped == {"other platform": 1}
    # One platform folder, one file, a folder of pages outside any pages/ tree.
    assert {d.id for d in TldrIndexer([pages / "linux"]).iter_documents()} >= {"tldr/linux/grep"}
    assert [d.id for d in TldrIndexer([pages / "common" / "tar.md"]).iter_documents()][0] == "tldr/common/tar"
    page(tmp_path / "mine", "grep", GREP)
    assert next(TldrIndexer([tmp_path / "mine"]).iter_documents()).id == "tldr/common/grep"
    # The same page given twice is indexed once.
    ix = TldrIndexer([pages / "linux", pages / "linux" / "grep.md"])
    assert len([d for d in ix.iter_documents() if d.kind == "doc"]) == 2
    assert ix.skipped == {"duplicate page": 1}


def test_exclude_commands(tmp_path):
    for name, text in (("tar", TAR_2021), ("grep", GREP), ("git-commit", "# git commit\n\n> Commit.\n")):
        page(tmp_path / "common", name, text)
    ix = TldrIndexer([tmp_path], exclude_commands=["tar", "git-commit"])
    assert {d.metadata["command"] for d in ix.iter_documents()} == {"grep"}
    assert ix.skipped == {"excluded command": 2}
    ix = make_indexer("tldr", [str(tmp_path)], {"exclude_commands": "grep"}, max_file_bytes=5_000_000)
    assert {d.metadata["command"] for d in ix.iter_documents()} == {"tar", "git-commit"}
    # a left-out command takes its subcommand pages with it (their examples are its answers),
    # but not other commands whose names merely start the same way
    page(tmp_path / "common", "apt-get", "# apt-get\n\n> Debian's package tool.\n")
    ix = TldrIndexer([tmp_path], exclude_commands=["git", "apt"])
    assert {d.metadata["command"] for d in ix.iter_documents()} == {"tar", "grep", "apt-get"}
    with pytest.raises(BadInput, match="exclude_commands"):
        TldrIndexer([tmp_path], exclude_commands=3)


def test_broken_inputs_are_skipped_and_counted(tmp_path):
    d = tmp_path / "pages" / "common"
    page(d, "tar", ("\ufeff" + TAR_2021).replace("\n", "\r\n").encode())  # BOM and CRLF
    page(d, "empty", "  \n\n")
    page(d, "latin1", "# caf\xe9\n\n> Caf\xe9.\n".encode("latin-1"))
    page(d, "binary", b"# x\x00\x01\x02")
    page(d, "notes", "Just some notes, no title.\n")
    page(d, "bare", "# bare\n\n> A page without examples.\n")
    page(d, "huge", b"x" * 10_000_000)
    outside = page(tmp_path / "elsewhere", "secret", GREP)
    os.symlink(outside, d / "escape.md")
    ix = TldrIndexer([tmp_path / "pages"])
    docs = by_id(ix)
    assert set(docs) == {"tldr/common/bare", "tldr/common/tar", "tldr/common/tar#ex1", "tldr/common/tar#ex2",
                         "tldr/common/bare#card", "tldr/common/tar#card"}  # fmt: skip
    assert docs["tldr/common/tar"].title == "tar" and docs["tldr/common/tar"].text.startswith("tar — ")
    assert docs["tldr/common/tar#ex2"].metadata["flags"][-1] == "--directory"  # no \r left
    assert docs["tldr/common/bare"].metadata["examples"] == 0
    assert ix.skipped == {
        "empty": 1,
        "not UTF-8": 1,
        "binary": 1,
        "not a tldr page": 1,
        "too large": 1,
        "symlink out of root": 1,
    }
    with pytest.raises(BadInput, match="path does not exist: .*nope"):
        TldrIndexer([tmp_path / "nope"])
    with pytest.raises(BadInput, match="indexer 'tldr' takes no option 'bogus'.*exclude_commands"):
        make_indexer("tldr", [str(tmp_path)], {"bogus": 1}, max_file_bytes=5_000_000)


def test_older_setext_syntax():
    p = parse_page("tar\n===\n\n> Archiving utility.\n\n- Create an archive:\n\n    tar cf {{a.tar}} {{b}}\n")
    assert p.title == "tar" and p.description == ["Archiving utility."]
    [ex] = p.examples
    assert (ex.description, ex.command) == ("Create an archive:", "tar cf {{a.tar}} {{b}}")


def test_build_and_search(tmp_path):
    d = tmp_path / "pages" / "common"
    for name, text in (("tar", TAR_2021), ("ls", LS_NOW), ("grep", GREP)):
        page(d, name, text)
    page(
        d,
        "gzip",
        "# gzip\n\n> Compress or decompress files.\n\n- Decompress a file:\n\n`gzip -d {{file.gz}}`\n",
    )
    ix = TldrIndexer([tmp_path / "pages"])
    m = build_index(
        path_of("tldr"),
        ix.iter_documents(),
        name="tldr",
        indexer="tldr",
        roots=ix.roots,
        skipped=ix.skipped,
        settings=BuildSettings(embedder="hash:64"),
    )
    assert m.counts["documents"] == 4 + 4 + 7  # pages, their cards, examples
    hits = search(open_index("tldr"), "extract a tar archive", k=3)
    assert all(h.chunk.metadata["command"] == "tar" for h in hits), [h.chunk.id for h in hits]
    top = next(h.chunk for h in hits if h.chunk.kind == "example")  # tar's card may come first
    assert top.doc_id == "tldr/common/tar#ex2" and "-x" in top.metadata["flags"]


@pytest.mark.data
def test_real_pages(shared_data):
    ix = TldrIndexer([shared_data / "tldr" / "pages"])
    docs = list(ix.iter_documents())
    pages = [d for d in docs if d.kind == "doc"]
    examples = [d for d in docs if d.kind == "example"]
    assert len(pages) == ix.pages == 2516 and not ix.skipped
    assert len(examples) == ix.examples and 11_000 < len(examples) < 13_000
    assert {d.metadata["platform"] for d in pages} == {"common", "linux"}
    assert len({d.id for d in docs}) == len(docs)
    tar = {d.id: d for d in docs if d.metadata["page"] == "tldr/common/tar"}
    assert tar["tldr/common/tar"].uri == "https://www.gnu.org/software/tar"
    assert (
        len(tar) == 10
        and "tldr/common/tar#card" in tar
        and tar["tldr/common/tar#ex4"].text.startswith("Extract a (compressed) archive file")
    )
    assert tar["tldr/common/tar#ex4"].metadata["flags"] == ["-x", "-v", "-f"]
    assert "--wildcards" in tar["tldr/common/tar#ex8"].metadata["flags"]
    assert sum(bool(d.metadata["flags"]) for d in examples) > len(examples) // 3

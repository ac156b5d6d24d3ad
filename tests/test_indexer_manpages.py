from __future__ import annotations

import gzip
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest

from docprompt.errors import BadInput
from docprompt.indexers import get_indexer, make_indexer
from docprompt.indexers import manpages as mp
from docprompt.indexers.manpages import ManPagesIndexer
from docprompt.manpage import parse_flags, split_page
from docprompt.retrieve import search

TARBALL = ("manpages", "manpages.tar.gz")

# A rendered page in the shape `MANWIDTH=80 man -l FILE | col -bx` gives (GNU tar's layout).
TAR_PAGE = """\
TAR(1)                           GNU TAR Manual                           TAR(1)

NAME
       tar - an archiving utility

SYNOPSIS
   Traditional usage
       tar {A|c|d|r|t|u|x}[GnSkUWOmpsMBiajJzZhPlRvwo] [ARG...]

   UNIX-style usage
       tar -A [OPTIONS] ARCHIVE ARCHIVE

DESCRIPTION
       GNU tar is an archiving program designed to store multiple files in a
       single file (an archive), and to manipulate such archives.

       Options may be given in three styles.

OPTIONS
   Operation mode
       -x, --extract, --get
              Extract files from an archive.  Arguments are optional.  When
              given, they specify names of the archive members to be
              extracted.

       -f, --file=ARCHIVE
              Use archive file or device ARCHIVE.

       -C, --directory=DIR
              Change to DIR before performing any operations.

   Compression options
       -v     Verbosely list files processed.

       -z, --gzip
              Filter the archive through gzip(1).

EXAMPLES
       Create archive.tar from files foo and bar:

              tar -cf archive.tar foo bar

SEE ALSO
       gzip(1), cpio(1)

AUTHOR
       Written by John Gilmore and Jay Fenlason.

GNU TAR 1.34                       2021-02-13                             TAR(1)
"""


def paras(text: str, **kw):
    return {p.tag or f"{p.heading}:{p.text[:20]}": p for p in split_page(text, **kw)}


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def page(name: str, desc: str = "do things", options: str = "") -> str:
    """A small rendered page; ``options`` are lines of the OPTIONS section."""
    up = name.upper()
    text = f"{up}(1)        User Commands        {up}(1)\n\nNAME\n       {name} - {desc}\n\n"
    text += f"SYNOPSIS\n       {name} [OPTION]... FILE\n\nDESCRIPTION\n       {name} does {desc}.\n\n"
    return text + (f"OPTIONS\n{options}\n" if options else "")


# --- splitting ---


@pytest.mark.parametrize(
    ("tag", "flags"),
    [
        ("-f, --file=ARCHIVE", ["-f", "--file"]),
        ("-x, --extract, --get", ["-x", "--extract", "--get"]),
        ("-C DIR, --directory=DIR", ["-C", "--directory"]),
        ("--[no-]verify", ["--verify", "--no-verify"]),
        ("-S[<keyid>], --gpg-sign[=<keyid>]", ["-S", "--gpg-sign"]),
        ("-name pattern", ["-name"]),
        ("-?, --help", ["-?", "--help"]),
        ("--color[=WHEN], --colour[=WHEN]", ["--color", "--colour"]),
    ],
)
def test_parse_flags(tag, flags):
    assert parse_flags(tag) == flags


def test_name_synopsis_prose_and_skipped_headings():
    ps = split_page(TAR_PAGE)
    assert [p.heading for p in ps][:4] == ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS"]
    assert ps[0].text == "tar - an archiving utility" and ps[0].flags == []
    # SYNOPSIS is one paragraph, its sub-headings kept, indentation relative
    assert ps[1].text.startswith("Traditional usage\n    tar {A|c|d|")
    assert "UNIX-style usage\n    tar -A [OPTIONS]" in ps[1].text
    # small prose paragraphs of one section are merged up to max_prose_chars
    assert ps[2].text.startswith("GNU tar is an archiving program") and "three styles" in ps[2].text
    headings = {p.heading for p in ps}
    assert "SEE ALSO" not in headings and "AUTHOR" not in headings  # skipped by default
    assert not any("GNU TAR 1.34" in p.text or "TAR(1)" in p.text for p in ps)  # header and footer gone
    # prose split when max_prose_chars is small
    small = [p for p in split_page(TAR_PAGE, max_prose_chars=60) if p.heading == "DESCRIPTION"]
    assert len(small) == 2
    # skip_headings can be replaced
    kept = {p.heading for p in split_page(TAR_PAGE, skip_headings=["EXAMPLES"])}
    assert {"SEE ALSO", "AUTHOR"} <= kept and "EXAMPLES" not in kept


def test_option_entries_keep_their_flag_line_with_the_description():
    ps = paras(TAR_PAGE)
    x = ps["-x, --extract, --get"]
    assert x.flags == ["-x", "--extract", "--get"]
    assert x.heading == "OPTIONS" and x.subheading == "Operation mode"
    assert x.text.startswith("-x, --extract, --get\n    Extract files from an archive.")
    assert x.text.endswith("    extracted.")  # the whole description, dedented to four spaces
    f = ps["-f, --file=ARCHIVE"]
    assert f.flags == ["-f", "--file"]
    assert f.text == "-f, --file=ARCHIVE\n    Use archive file or device ARCHIVE."
    assert ps["-C, --directory=DIR"].flags == ["-C", "--directory"]
    v = ps["-v"]  # a one-line entry: the description on the tag's line
    assert v.flags == ["-v"] and v.text == "-v\n    Verbosely list files processed."
    assert v.subheading == "Compression options"
    assert ps["-z, --gzip"].flags == ["-z", "--gzip"]
    # prose with a command in it is not an entry
    example = [p for p in split_page(TAR_PAGE) if p.heading == "EXAMPLES"]
    assert len(example) == 1 and example[0].flags == [] and "tar -cf archive.tar" in example[0].text


def test_entry_layouts_seen_in_real_pages(tmp_path):
    text = page(
        "tool",
        options=(
            # stacked tags over one description (.TQ, BSD)
            "       -L\n       --dereference\n              Follow links.\n\n"
            # a tag, a blank line, then the description (x11vnc, cvs)
            "       -nap, -nonap\n\n              Take longer naps when idle.\n\n"
            # a table of one-line entries, one with a very long tag (rclone)
            "       These flags are global.\n\n"
            "           --ask-password                          Ask for a password\n"
            "           --a-very-long-option-name-for-a-table string    Set the thing\n"
            "           --checkers int                          Number of checkers\n\n"
            # an option run together with its description (gdu)
            "       -h, --help[=false] help for tool\n\n"
            # non-flag entries: a variable and a bullet
            "       TOOL_HOME\n              Where tool keeps its files.\n\n"
            "       •      A bullet point\n              about tool.\n"
        ),
    )
    ps = paras(text)
    assert ps["-L\n--dereference"].flags == ["-L", "--dereference"]
    assert ps["-L\n--dereference"].text == "-L\n--dereference\n    Follow links."
    assert ps["-nap, -nonap"].flags == ["-nap", "-nonap"]
    assert ps["-nap, -nonap"].text == "-nap, -nonap\n    Take longer naps when idle."
    assert ps["--ask-password"].flags == ["--ask-password"]
    long = "--a-very-long-option-name-for-a-table"
    assert ps[f"{long} string"].flags == [long]
    assert ps["--checkers int"].text == "--checkers int\n    Number of checkers"
    gdu = ps["-h, --help[=false]"]
    assert gdu.flags == ["-h", "--help"] and gdu.text == "-h, --help[=false] help for tool"
    assert ps["TOOL_HOME"].flags == [] and ps["TOOL_HOME"].text.endswith("Where tool keeps its files.")
    assert ps["•"].flags == [] and ps["•"].text == "•\n    A bullet point\n    about tool."
    titles = [d.title for d in ManPagesIndexer([tmp_path]).page_documents(mp._Page("tool", "1", "t", text))]
    assert {"tool(1) — -nap", "tool(1) — --help", "tool(1) — TOOL_HOME", "tool(1) OPTIONS"} <= set(titles)
    assert not any("•" in t for t in titles)


def test_odd_page_shapes():
    # the whole page indented, headings included (autojump), and mixed-case headings
    indented = "tool(1)        tool(1)\n\n   Name\n       tool - x\n\n   Options\n       -q     Be quiet.\n"
    ps = split_page(indented)
    assert [(p.heading, p.flags) for p in ps] == [("NAME", []), ("Options", ["-q"])]
    # the NAME line without its heading (ranger)
    headless = "TOOL(1)      tool manual      TOOL(1)\n\ntool - visual thing\n\nSYNOPSIS\n       tool [-q]\n"
    assert [(p.heading, p.text) for p in split_page(headless)] == [
        ("NAME", "tool - visual thing"),
        ("SYNOPSIS", "tool [-q]"),
    ]
    # overstrike (man without col -b), hyphens groff set as U+2010 / U+2212
    bold = "".join(f"{c}\b{c}" for c in "--verbose") + ", " + "".join(f"_\b{c}" for c in "-V")
    assert split_page(f"OPTIONS\n       {bold}\n              Say more.\n")[0].flags == ["--verbose", "-V"]
    assert split_page("OPTIONS\n       \u2010v, \u2212\u2212verbose\n              Say more.\n")[0].flags == [
        "-v",
        "--verbose",
    ]
    # a NAME running on for pages is split like any section
    entries = "".join(f"       --opt{i}\n              Set {i}.\n\n" for i in range(200))
    runaway = "NAME\n       tool - x\n\n" + entries
    ps = split_page(runaway)
    assert len(ps) == 201 and ps[5].flags == ["--opt4"] and ps[5].heading == "NAME"
    assert split_page("") == [] and split_page("\n\n   \n") == []


# --- reading pages ---


@pytest.fixture
def rendered(tmp_path) -> Path:
    """A folder of rendered pages with a manifest.json beside it, as in the shared tarball."""
    root = tmp_path / "man"
    write(root / "pages" / "tar.1.txt", TAR_PAGE)
    write(root / "pages" / "ls.1.txt", page("ls", "list directory contents", "       -l     long format\n"))
    write(root / "pages" / "crontab.5.txt", page("crontab", "tables for driving cron"))
    manifest = {
        "commands": {
            "tar": {"file": "pages/tar.1.txt", "section": "1", "source": "debian:tar=1.34"},
            "ls": {"file": "pages/ls.1.txt", "section": "1", "source": "local"},
        }
    }
    write(root / "manifest.json", json.dumps(manifest))
    return root


def test_documents_ids_titles_and_metadata(rendered):
    ix = ManPagesIndexer([rendered / "pages"])
    docs = {d.id: d for d in ix.iter_documents()}
    assert not ix.skipped
    x = next(d for d in docs.values() if "-x" in d.metadata["flags"])
    assert x.id.startswith("man/tar.1/") and x.title == "tar(1) — --extract"
    assert x.metadata == {
        "command": "tar",
        "section": "1",
        "page": "tar.1",
        "heading": "OPTIONS",
        "subheading": "Operation mode",
        "flags": ["-x", "--extract", "--get"],
        "package": "debian:tar=1.34",
    }
    assert x.kind == "doc" and x.language == "bash" and x.uri == "man:tar(1)"
    assert x.source.endswith("tar.1.txt")
    name = docs["man/tar.1/000"]
    assert name.text == "tar - an archiving utility" and name.title == "tar(1) NAME"
    assert docs["man/crontab.5/000"].metadata["section"] == "5"
    assert "package" not in docs["man/crontab.5/000"].metadata  # not in the manifest
    ls = [d.metadata["flags"] for d in docs.values() if d.metadata["command"] == "ls" and d.kind == "doc"]
    assert ls == [[], [], [], ["-l"]]
    card = docs["man/ls.1/card"]  # one card a page: what the command does, for choosing it
    assert card.kind == "card" and card.text.startswith("ls") and card.metadata["flags"] == []
    # ids are stable across runs
    assert [d.id for d in ManPagesIndexer([rendered]).iter_documents()] == list(docs)


def test_sections_filter_single_page_and_progress(rendered):
    seen: list[int] = []
    ix = ManPagesIndexer([rendered], sections=["5"], progress=seen.append)
    assert {d.metadata["page"] for d in ix.iter_documents()} == {"crontab.5"} and seen == [1]
    one = ManPagesIndexer([rendered / "pages" / "ls.1.txt"], sections="1")  # a bare string is one section
    assert {d.metadata["command"] for d in one.iter_documents()} == {"ls"}
    assert one.roots == [str((rendered / "pages" / "ls.1.txt").resolve())]


def test_registered_and_bad_options(rendered):
    assert get_indexer("manpages") is ManPagesIndexer
    with pytest.raises(BadInput, match="takes no option 'bogus'.*sections"):
        make_indexer("manpages", [str(rendered)], {"bogus": 1}, max_file_bytes=1000)
    ix = make_indexer("manpages", [str(rendered)], {"sections": ["1"]}, max_file_bytes=1_000_000)
    assert isinstance(ix, ManPagesIndexer) and ix.max_file_bytes == 1_000_000
    for bad in ({"sections": 1}, {"skip_headings": [""]}, {"workers": 0}, {"timeout": "x"}, {"progress": 3}):
        with pytest.raises(BadInput, match="'manpages' option"):
            make_indexer("manpages", [str(rendered)], bad, max_file_bytes=1000)
    with pytest.raises(BadInput, match="does not exist"):
        ManPagesIndexer([rendered / "nope"])


def test_manpath_stands_for_the_machines_man_path(rendered, monkeypatch):
    monkeypatch.setattr(mp, "_machine_manpath", lambda: [rendered])
    ix = ManPagesIndexer(["MANPATH"])
    assert ix.roots == [str(rendered.resolve())]
    monkeypatch.setattr(mp, "_machine_manpath", lambda: [])
    with pytest.raises(BadInput, match="no man path"):
        ManPagesIndexer(["MANPATH"])


def test_broken_pages_are_skipped_and_counted(tmp_path):
    root = tmp_path / "pages"
    write(root / "good.1.txt", page("good", options="       -g     be good\n"))
    write(root / "latin1.1.txt", page("latin1").encode() + b"caf\xe9\n")
    write(root / "empty.1.txt", "")
    write(root / "blank.1.txt", "\n   \n")
    write(root / "binary.1.txt", b"\x00\x01ELF" * 100)
    write(root / "huge.1.txt", "x" * 10_000_000)  # one 10 MB line
    write(root / "README.txt", "not a page")
    write(root / "noheadings.1.txt", "       only indented text\n       and more\n")
    secret = write(tmp_path / "outside" / "secret.1.txt", page("secret"))
    (root / "secret.1.txt").symlink_to(secret)
    (root / "linkdir").symlink_to(secret.parent, target_is_directory=True)  # not walked into
    ix = ManPagesIndexer([root])
    docs = list(ix.iter_documents())  # does not raise
    assert {d.metadata["command"] for d in docs} == {"good"}
    assert ix.skipped == {
        "not UTF-8": 1,
        "empty": 2,
        "binary": 1,
        "too large": 1,
        "not NAME.SECTION.txt": 1,
        "symlink out of root": 1,
        "no paragraphs": 1,  # a page without a single heading
    }
    assert not any("secret" in d.text for d in docs)


def test_duplicate_pages_are_read_once(rendered, tmp_path):
    other = write(tmp_path / "other" / "tar.1.txt", page("tar", "something else"))
    ix = ManPagesIndexer([rendered, other.parent])
    docs = [d for d in ix.iter_documents() if d.metadata["page"] == "tar.1"]
    assert docs[0].text == "tar - an archiving utility" and ix.skipped == {"duplicate page": 1}


# --- tarballs ---


def make_tar(path: Path, members: dict[str, bytes], *, symlink: str | None = None) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        if symlink:
            info = tarfile.TarInfo(symlink)
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            tar.addfile(info)
    return path


def test_tarball_is_read_in_place_and_unsafe_members_are_skipped(rendered, tmp_path):
    archive = make_tar(
        rendered / "pages.tar.gz",  # beside manifest.json, as in ../shared/data/manpages
        {
            "pages/tar.1.txt": TAR_PAGE.encode(),
            "pages/big.1.txt": page("big", "x" * 3000).encode(),
            "pages/bad.1.txt": b"\xff\xfd bad",
            "../evil.1.txt": page("evil").encode(),
            "/abs.1.txt": page("abs").encode(),
            "pages/notes.md": b"# notes",
        },
        symlink="pages/passwd.1.txt",
    )
    ix = ManPagesIndexer([archive], max_file_bytes=2000)
    docs = list(ix.iter_documents())
    assert {d.metadata["page"] for d in docs} == {"tar.1"}
    assert docs[0].source == f"{archive.resolve()}#pages/tar.1.txt"
    assert docs[0].metadata["package"] == "debian:tar=1.34"
    assert ix.skipped == {
        "too large": 1,
        "not UTF-8": 1,
        "unsafe path in archive": 2,
        "not NAME.SECTION.txt": 1,
        "not a regular file": 1,
    }


def test_corrupt_and_truncated_tarballs(tmp_path):
    members = {f"pages/p{i}.1.txt": page(f"p{i}", "y " * 4000).encode() for i in range(30)}
    good = make_tar(tmp_path / "good.tar.gz", members).read_bytes()
    cut = write(tmp_path / "cut.tar.gz", good[: len(good) // 2])
    garbage = write(tmp_path / "garbage.tar.gz", b"this is not gzip at all" * 10)
    ix = ManPagesIndexer([cut, garbage])
    docs = list(ix.iter_documents())  # does not raise
    assert docs and {d.metadata["command"] for d in docs} < {f"p{i}" for i in range(30)}
    assert ix.skipped == {"corrupt archive": 2}


# --- roff pages rendered by man(1) ---

ROFF = r""".TH MYTOOL 1 "2024-01-01" "mytool 1.0" "User Commands"
.SH NAME
mytool \- frobnicate widgets
.SH SYNOPSIS
.B mytool
[\fB\-v\fR] [\fB\-f\fR \fIFILE\fR] \fIWIDGET\fR...
.SH DESCRIPTION
.B mytool
frobnicates each WIDGET and writes the result to standard output.
.SH OPTIONS
.TP
.BR \-f ", " \-\-file =\fIFILE\fR
Read widgets from FILE instead of the command line.
.TP
.B \-v, \-\-verbose
Print what is being done.
.TP
.B \-\-dry\-run
Show what would be frobnicated without doing it.
.SH SEE ALSO
.BR frob (1)
"""

needs_man = pytest.mark.skipif(
    not (shutil.which("man") and shutil.which("groff")), reason="man / groff not installed"
)


@pytest.fixture
def roff_root(tmp_path) -> Path:
    root = tmp_path / "share" / "man"
    write(root / "man1" / "mytool.1.gz", gzip.compress(ROFF.encode()))
    (root / "man1" / "mt.1.gz").symlink_to("mytool.1.gz")  # an alias, rendered once
    write(root / "man1" / "other.1", ROFF.replace("mytool", "other").replace("MYTOOL", "OTHER"))
    write(root / "man8" / "daemon.8", ROFF.replace("mytool", "daemon").replace(" 1 ", " 8 "))
    write(root / "de" / "man1" / "mytool.1", ROFF)  # a translation: not read
    return root


@needs_man
def test_roff_pages_are_rendered_with_man(roff_root):
    seen: list[int] = []
    ix = ManPagesIndexer([roff_root], workers=2, progress=seen.append)
    docs = list(ix.iter_documents())
    assert not ix.skipped and len(seen) == 3
    assert {d.metadata["page"] for d in docs} == {"mytool.1", "other.1", "daemon.8"}
    mine = [d for d in docs if d.metadata["page"] == "mytool.1" and d.kind == "doc"]
    flags = [d.metadata["flags"] for d in mine]
    assert flags == [[], [], [], ["-f", "--file"], ["-v", "--verbose"], ["--dry-run"]]
    assert mine[0].text == "mytool - frobnicate widgets"
    assert mine[3].text == "-f, --file=FILE\n    Read widgets from FILE instead of the command line."
    assert mine[0].metadata["aliases"] == ["mt"] and mine[0].source.endswith("mytool.1.gz")
    assert not any(d.metadata["heading"] == "SEE ALSO" for d in docs)
    only8 = ManPagesIndexer([roff_root], sections=["8"])
    assert {d.metadata["page"] for d in only8.iter_documents()} == {"daemon.8"}


@needs_man
def test_broken_roff_pages_are_skipped_and_counted(tmp_path):
    root = tmp_path / "man"
    write(root / "man1" / "good.1", ROFF)
    full = gzip.compress(ROFF.encode())
    write(root / "man1" / "cut.1.gz", full[: len(full) // 2])
    write(root / "man1" / "garbage.1.gz", b"not gzip" * 20)
    write(root / "man1" / "huge.1", ".TH HUGE 1\n.SH NAME\n" + "x" * 10_000_000)
    bomb = gzip.compress(b'.\\" ' + b"a" * 3_000_000)  # small, but inflates past the cap
    write(root / "man1" / "bomb.1.gz", bomb)
    write(root / "man1" / "empty.1", "")
    outside = write(tmp_path / "elsewhere" / "secret.1", ROFF.replace("mytool", "secret"))
    (root / "man1" / "secret.1").symlink_to(outside)
    ix = ManPagesIndexer([root], max_file_bytes=2_000_000)
    docs = list(ix.iter_documents())  # does not raise
    assert {d.metadata["page"] for d in docs} == {"good.1"}
    assert ix.skipped == {
        "corrupt compressed page": 2,
        "too large": 2,
        "render failed": 1,
        "symlink out of root": 1,
    }


@needs_man
def test_a_page_that_renders_too_slowly_is_skipped(roff_root):
    ix = ManPagesIndexer([roff_root / "man1" / "other.1"], timeout=0.001)
    assert list(ix.iter_documents()) == [] and ix.skipped == {"render timeout": 1}


# --- an index built from it ---


def test_builds_an_index_that_eval_can_score(rendered):
    from docprompt.config import BuildSettings
    from docprompt.eval.retrieval import flags_by_command
    from docprompt.sources import build_from_source
    from docprompt.store.registry import open_index, path_of

    manifest = build_from_source(
        path_of("man"), "manpages", [str(rendered)], settings=BuildSettings(embedder="hash:64")
    )
    assert manifest.counts["documents"] == manifest.counts["chunks"] > 10
    index = open_index("man")
    hit = search(index, "extract files from an archive", k=1, mode="sparse")[0]
    assert hit.chunk.metadata["command"] == "tar"
    assert hit.chunk.metadata["flags"] == ["-x", "--extract", "--get"]
    assert hit.chunk.title == "tar(1) — --extract"
    known = flags_by_command(index)
    tar_flags = {"-x", "--extract", "--get", "-f", "--file", "-C", "--directory", "-v", "-z", "--gzip"}
    assert known["tar"] == tar_flags
    assert known["ls"] == {"-l"}


# --- the real pages in ../shared/data ---


@pytest.fixture
def real_pages(shared_data, tmp_path) -> Path:
    """A few pages of the shared tarball, unpacked to tmp_path with its manifest.json."""
    wanted = {f"pages/{n}.txt" for n in ("tar.1", "find.1", "grep.1", "ls.1", "curl.1")}
    out = tmp_path / "real"
    with tarfile.open(shared_data.joinpath(*TARBALL)) as tar:
        for member in tar:
            if member.name in wanted:
                f = tar.extractfile(member)
                assert f is not None
                write(out / member.name, f.read())
    shutil.copy(shared_data / "manpages" / "manifest.json", out / "manifest.json")
    assert len(list((out / "pages").iterdir())) == len(wanted)
    return out


@pytest.mark.data
def test_real_pages_flags(real_pages):
    ix = ManPagesIndexer([real_pages / "pages"])
    docs = list(ix.iter_documents())
    assert not ix.skipped
    by_flag: dict[tuple[str, str], list] = {}
    for d in docs:
        assert d.metadata["package"]  # from manifest.json, e.g. "debian:tar=1.34+dfsg-1.2+deb12u1"
        for f in d.metadata["flags"]:
            by_flag.setdefault((d.metadata["command"], f), []).append(d)

    def flags_of(cmd: str, flag: str) -> list[str]:
        return by_flag[(cmd, flag)][0].metadata["flags"]

    assert flags_of("tar", "-x") == ["-x", "--extract", "--get"]
    assert flags_of("tar", "--file") == ["-f", "--file"]
    extract = by_flag[("tar", "-x")][0].text
    assert extract.startswith("-x, --extract, --get\n    Extract files from an archive.")
    assert flags_of("tar", "-z") == ["-z", "--gzip", "--gunzip", "--ungzip"]
    assert flags_of("find", "-name") == ["-name"] and flags_of("find", "-mtime") == ["-mtime"]
    assert by_flag[("find", "-name")][0].metadata["subheading"] == "TESTS"
    assert flags_of("grep", "-i") == ["-i", "--ignore-case"]
    assert flags_of("grep", "-r") == ["-r", "--recursive"]
    assert flags_of("ls", "-l") == ["-l"] and flags_of("ls", "-a") == ["-a", "--all"]
    assert flags_of("curl", "-o") == ["-o", "--output"] and flags_of("curl", "-X") == ["-X", "--request"]
    names = {d.metadata["command"]: d.text for d in docs if d.metadata["heading"] == "NAME"}
    assert names["ls"] == "ls - list directory contents" and names["curl"] == "curl - transfer a URL"
    counts = {c: sum(1 for cc, _ in by_flag if cc == c) for c in ("tar", "find", "grep", "ls", "curl")}
    assert counts["tar"] > 150 and counts["find"] > 70 and counts["grep"] > 60 and counts["curl"] > 250


@pytest.mark.data
@pytest.mark.slow
def test_whole_tarball(shared_data):
    ix = ManPagesIndexer([shared_data.joinpath(*TARBALL)])
    pages: dict[str, int] = {}
    option_pages: set[str] = set()
    docs = 0
    for d in ix.iter_documents():
        docs += 1
        pages[d.metadata["page"]] = pages.get(d.metadata["page"], 0) + 1
        if d.metadata["flags"]:
            option_pages.add(d.metadata["page"])
    assert len(pages) == 1775 and not ix.skipped  # every page of the manifest, none skipped
    assert 95_000 < docs < 120_000  # 105,440 paragraphs when written
    assert len(option_pages) > 1500  # 1,547 pages have option paragraphs

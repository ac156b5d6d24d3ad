"""Malformed inputs for every indexer, generated from a seed: binary, bad UTF-8, UTF-16, huge lines,
empty files, FIFOs, sockets, symlink loops, broken HTML / RST / Markdown / notebooks / Python /
tldr pages / man pages / DevDocs bundles, and odd file names (bytes that are not UTF-8, spaces,
newlines, a leading dash, very long names). Shared by tests/test_fuzz.py (CI) and
benchmarks/fuzz_indexers.py (more seeds).

:func:`fuzz_indexer` builds one index from one generated folder in a thread under a timeout and
checks: no exception but a one-line ``DocpromptError``, no hang, every skip counted with a reason
and its files named (``manifest.skipped_files`` and ``docprompt index info NAME --skipped``),
and every input file accounted for: it gave a document, or it is named among the skips.
"""

from __future__ import annotations

import json
import os
import random
import socket
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

INDEXERS = ("files", "docs", "examples", "python", "tldr", "manpages", "devdocs")
RUNS = (*INDEXERS, "manpages-roff")  # the man pages indexer twice: rendered pages, and roff sources

WORDS = (  # noqa: SIM905
    "archive extract file folder pattern search download size print list process network user copy "
    "move link date format column parse read write open close buffer stream socket json yaml config"
).split()


# -- contents ----------------------------------------------------------------------------------------


def _prose(rng: random.Random, n: int = 12) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def good(fmt: str, rng: random.Random) -> str:
    """A well-formed input of the format (the malformations start from one)."""
    w = _prose(rng, 3)
    if fmt == "md":
        return (
            f"# {w}\n\n{_prose(rng)}.\n\n## usage\n\n{_prose(rng)}:\n\n```bash\nls -la {w.split()[0]}\n```\n"
        )
    if fmt == "rst":
        return (
            f"{w}\n{'=' * len(w)}\n\n{_prose(rng)}.\n\n.. code-block:: python\n\n   print({w.split()[0]!r})\n"
        )
    if fmt == "html":
        return (
            f"<html><head><title>{w}</title></head><body><h1 id='top'>{w}</h1><p>{_prose(rng)}</p>"
            f"<h2 id='use'>use</h2><p>{_prose(rng)}</p><pre>x = 1</pre></body></html>"
        )
    if fmt == "py":
        name = w.split()[0]
        return f'"""{_prose(rng)}."""\n\nimport os\n\n\ndef {name}(path, n=1):\n    """{_prose(rng)}."""\n    return os.path.join(path, str(n))\n\n\nclass C{name}:\n    """A {name}."""\n\n    def run(self):\n        """Run it."""\n'  # noqa: E501
    if fmt == "ipynb":
        cells = [
            {"cell_type": "markdown", "metadata": {}, "source": [f"{_prose(rng)}\n"]},
            {
                "cell_type": "code",
                "metadata": {},
                "source": ["import os\n", "print(os.getcwd())\n"],
                "outputs": [],
                "execution_count": 1,
            },  # noqa: E501
        ]
        return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    if fmt == "sh":
        return f"#!/bin/sh\n# {_prose(rng)}\nfind . -name '*.txt' | xargs grep -l {w.split()[0]}\n"
    if fmt == "tldr":
        cmd = w.split()[0]
        return f"# {cmd}\n\n> {_prose(rng)}.\n> More information: <https://example.org>.\n\n- {_prose(rng, 5)}:\n\n`{cmd} -x {{{{path/to/file}}}}`\n"  # noqa: E501
    if fmt == "man":
        cmd = w.split()[0]
        return (
            f"{cmd.upper()}(1)        User Commands        {cmd.upper()}(1)\n\n"
            f"NAME\n       {cmd} - {_prose(rng, 5)}\n\n"
            f"SYNOPSIS\n       {cmd} [OPTION]... FILE\n\nDESCRIPTION\n       {_prose(rng, 30)}\n\n"
            f"       -a, --all\n              {_prose(rng)}\n\n       -n NUM\n              {_prose(rng)}\n"
        )
    if fmt == "roff":
        cmd = w.split()[0]
        return f".TH {cmd.upper()} 1\n.SH NAME\n{cmd} \\- {_prose(rng, 4)}\n.SH DESCRIPTION\n{_prose(rng, 20)}\n.TP\n.B \\-a\n{_prose(rng)}\n"  # noqa: E501
    return _prose(rng, 40) + "\n"


BROKEN = {
    "md": [
        "# title\n\n```python\nunclosed fence\n" + "x = 1\n" * 50,
        "---\nfront: matter\nunclosed: [\n# t\n",
        "#\n##\n###\n" + "> " * 400 + "deep quote\n",
        "".join("  " * i + "- item\n" for i in range(300)),
        "| a | b |\n|---|\n| 1 | 2 | 3 | 4 |\n" * 20,
        "[x][nowhere] ![img](\x00) <div><span>\n# heading <b>\n",
        "````\n```\n~~~\n",
    ],
    "rst": [
        "Title\n==\n\n.. code-block::\n\n.. include:: /etc/passwd\n\n"
        ".. raw:: html\n\n   <script>x</script>\n",
        "``unterminated literal and *emphasis\n\n=====\nOver\n\n",
        ".. |sub| replace:: |sub|\n\n|sub| |undefined|\n\n" + ".. note::\n   " * 50 + "deep\n",
        "+---+---+\n| a |\n+--+\n| broken table |\n",
        "Title\n-----\n\n" + ".. toctree::\n   :maxdepth: x\n\n   nowhere\n" * 10,
    ],
    "html": [
        "<html><body><h1>unclosed <p>para <div><div><table><tr><td>cell",
        "<div>" * 3000 + "deep" + "</span>" * 10,
        "<?xml version='1.0' encoding='utf-16'?><html><meta charset='utf-16'>"
        "<p>&#xFFFFFFFF; &bogus; &#0;</p>",
        "<script>" + "var x = '</p>';" * 2000 + "</script><style>p{}</style>",
        "<html><body><h1 id=''>a</h1><h2 id='a'>b</h2><h2 id='a'>dup</h2><pre>" + "<" * 500,
        "<!-- unclosed comment <h1>x</h1>",
        "<html><body></body></html>",
    ],
    "py": [
        "def f(:\n    pass\n",
        "x = 1\n\x00\ny = 2\n",
        "# coding: bogus-codec\nx = 1\n",
        "x = " + "(" * 300 + "1" + ")" * 300 + "\n",
        "".join("    " * i + "if x:\n" for i in range(120)) + "    " * 120 + "pass\n",
        "class A:\n\tdef f(self):\n        pass\n",
        "def f():\n    '''unterminated docstring\n",
        "async def g():\n    return [x async for x in y]\n@decorator_only\n",
        "s = '" + "a" * 200_000 + "'\n",
        "lambda: (yield)\nprint f\n",
    ],
    "ipynb": [
        "{not json",
        "[1, 2, 3]",
        '{"cells": 5}',
        '{"cells": [5, "x", null, {"cell_type": "code"}]}',
        '{"cells": [{"cell_type": "code", "source": 7}, {"cell_type": "markdown", "source": [1, 2]}]}',
        '{"worksheets": [{"cells": [{"cell_type": "code", "input": "print(1)"}]}], "nbformat": 3}',
        '{"cells": [{"cell_type": "code", "source": "' + "x" * 100_000 + '"}]}',
        '{"cells": [' + "[" * 5000 + "]" * 5000 + "]}",
        '{"cells": [{"cell_type": "raw", "source": "raw"}, '
        '{"cell_type": "markdown", "source": "only text"}]}',
    ],
    "sh": [
        "#!/bin/sh\n",
        "cat <<EOF\nunterminated heredoc\n",
        "echo $(( 1 + \n" * 30,
    ],
    "tldr": [
        "no title line at all\n- example without code\n",
        "# onlytitle\n",
        "# cmd\n\n> desc\n\n- ex:\n\n`cmd {{unbalanced`\n\n- ex2:\n\n`cmd }}{{`\n",
        "# cmd\n\n> desc\n\n`code without description`\n\n- description without code:\n",
        "# cmd\n\n> desc\n\n" + "- ex:\n\n`cmd {{[-o|--output]}} {{[-x|]}}`\n\n" * 300,
        "cmd\n===\n\n> setext\n\n- ex:\n\n    cmd --indented\n",
        "# cmd\n\n- ex:\n\n``nested `backticks` ``\n",
    ],
    "man": [
        "N\bNA\bAM\bME\bE\n       x - overstruck\n",
        "\x1b[1mNAME\x1b[0m\n       ansi - escapes\n\f\fOPTIONS\n" + "       -\n" * 300,
        "NAME\nDESCRIPTION\nOPTIONS\n",
        "OPTIONS\n"
        + "".join(f"       -{chr(97 + i % 26)}{i}, --opt{i}\n              x\n" for i in range(2000)),
    ],
    "roff": [
        ".TH\n.SH\n",
        ".de xx\n.xx\n..\n.xx\n",
        ".so /etc/hostname\n",
        ".TH X 1\n.SH NAME\nx \\- y\n.TS\nbroken table\n",
        "\\f(XX\\*[undefined]\\n[undef]\n" * 50,
    ],
}


def malformed(fmt: str, rng: random.Random, max_bytes: int) -> tuple[str, bytes]:
    """(what it is, the bytes) of one malformed input of ``fmt``."""
    base = good(fmt, rng)
    kinds = [
        "empty", "blank", "binary", "bad utf-8", "utf-16", "utf-16le no bom", "utf-8 bom", "latin-1",
        "huge line", "many lines", "control chars", "cr only", "truncated", "too large", "nul inside",
        "broken", "broken", "broken", "good",
    ]  # fmt: skip
    kind = rng.choice(kinds)
    if kind == "empty":
        data = b""
    elif kind == "blank":
        data = b"  \n\t\n\r\n"
    elif kind == "binary":
        data = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4000))) + b"\x00"
    elif kind == "bad utf-8":
        raw = bytearray(base.encode())
        for _ in range(rng.randint(1, 8)):
            raw[rng.randrange(len(raw) + 1) : 0] = rng.choice(
                [b"\xff", b"\xc3\x28", b"\xe2\x82", b"\xed\xa0\x80"]
            )
        data = bytes(raw)
    elif kind == "utf-16":
        data = (base + "é ü ✓").encode("utf-16")
    elif kind == "utf-16le no bom":
        data = base.encode("utf-16-le")
    elif kind == "utf-8 bom":
        data = b"\xef\xbb\xbf" + base.encode()
    elif kind == "latin-1":
        data = (base + " café naïve").encode("latin-1", "replace")
    elif kind == "huge line":
        data = (
            base.splitlines()[0] + " " + _prose(rng, rng.randint(max_bytes // 60, max_bytes // 7)) + "\n"
        ).encode()
    elif kind == "many lines":
        data = (base + "x\n" * rng.randint(max_bytes // 20, max_bytes // 2)).encode()
    elif kind == "control chars":
        chars = list(base)
        for _ in range(rng.randint(1, 30)):
            chars.insert(
                rng.randrange(len(chars) + 1), chr(rng.choice([0, 1, 7, 8, 11, 12, 27, 127, 0x85, 0x2028]))
            )
        data = "".join(chars).encode()
    elif kind == "cr only":
        data = base.replace("\n", "\r").encode()
    elif kind == "truncated":
        raw = base.encode()
        data = raw[: rng.randrange(1, len(raw))]
    elif kind == "too large":
        data = (base + _prose(rng, max_bytes // 5)).encode()
    elif kind == "nul inside":
        data = base.encode().replace(b" ", b"\x00", 3)
    elif kind == "broken" and fmt in BROKEN:
        data = rng.choice(BROKEN[fmt]).encode("utf-8", "surrogateescape")
    else:
        kind, data = "good", base.encode()
    return kind, data


# -- names and special files -------------------------------------------------------------------------


def odd_name(rng: random.Random, stem: str, suffix: str) -> bytes:
    kind = rng.choice(["bytes", "space", "newline", "tab", "dash", "long", "unicode", "url", "dots", "quote"])
    name = {
        "bytes": stem.encode() + b"\xff\xfe",
        "space": f"{stem} with spaces ".encode(),
        "newline": f"{stem}\nsecond line".encode(),
        "tab": f"{stem}\tx".encode(),
        "dash": f"-rf {stem}".encode(),
        "long": (stem + "x" * 200).encode()[: 255 - len(suffix.encode())],
        "unicode": f"{stem}-ünï\u200b\u202e".encode(),
        "url": f"{stem}#a?b=c%20".encode(),
        "dots": f"..{stem}..".encode(),
        "quote": f"{stem}'\"`$(x)".encode(),
    }[kind]
    return name + suffix.encode()


def special(rng: random.Random, folder: Path, stem: str, suffix: str) -> tuple[str, Path] | None:
    """A FIFO, a socket, a symlink loop, a dangling link or a link out of the root."""
    kind = rng.choice(["fifo", "socket", "self loop", "two-link loop", "dangling", "outside", "dir loop"])
    path = folder / f"{stem}{suffix}"
    try:
        if kind == "fifo":
            os.mkfifo(path)
        elif kind == "socket":
            if len(os.fsencode(path)) > 100:  # AF_UNIX paths are short
                return None
            s = socket.socket(socket.AF_UNIX)
            s.bind(str(path))
            s.close()
        elif kind == "self loop":
            path.symlink_to(path.name)
        elif kind == "two-link loop":
            other = folder / f"{stem}-b{suffix}"
            path.symlink_to(other.name)
            other.symlink_to(path.name)
        elif kind == "dangling":
            path.symlink_to(f"nowhere-{stem}{suffix}")
        elif kind == "outside":
            path.symlink_to("/etc/hostname" if Path("/etc/hostname").exists() else "/etc/passwd")
        elif kind == "dir loop":
            path = folder / f"{stem}-loopdir"
            path.symlink_to(".")
            return None  # a folder: nothing to account for, only no hang
    except OSError:
        return None
    return kind, path


# -- one generated folder per indexer ----------------------------------------------------------------

FORMATS = {
    "files": [("md", ".md"), ("rst", ".rst"), ("txt", ".txt"), ("py", ".py"), ("md", ".markdown")],
    "docs": [("md", ".md"), ("rst", ".rst"), ("html", ".html"), ("html", ".htm"), ("md", ".mdx")],
    "examples": [("py", ".py"), ("ipynb", ".ipynb"), ("sh", ".sh"), ("sh", ".bash")],
    "python": [("py", ".py")],
    "tldr": [("tldr", ".md")],
    "manpages": [("man", ".1.txt"), ("man", ".8.txt"), ("man", ".3p.txt")],
    "manpages-roff": [("roff", ".1"), ("roff", ".8"), ("roff", ".1.gz")],
}


@dataclass
class Input:
    path: Path  # as created (its name may hold any bytes)
    kind: str  # the malformation
    must_account: bool = True  # a file the indexer reads: it must give a document or a named skip


@dataclass
class Generated:
    root: Path
    inputs: list[Input] = field(default_factory=list)
    options: dict = field(default_factory=dict)


def _write(path: Path, data: bytes) -> None:
    with open(os.fsencode(path), "wb") as f:
        f.write(data)


def _no_symbols(data: bytes) -> bool:
    """A module that parses and defines no function or class: nothing for the Python API indexer
    to index, and nothing skipped either."""
    import ast

    try:
        tree = ast.parse(data.decode("utf-8"))
    except (UnicodeDecodeError, SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return not any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for n in tree.body)


def generate(indexer: str, root: Path, n: int, rng: random.Random, max_bytes: int) -> Generated:
    """About ``n`` inputs for ``indexer`` under ``root``."""
    if indexer == "devdocs":
        return _generate_devdocs(root, n, rng, max_bytes)
    gen = Generated(root)
    base = root
    if indexer == "tldr":
        base = root / "pages"
    if indexer == "python":
        base = root / "pkg"
    folders = (
        [base / "common", base / "linux", base / "sub" / "deeper"]
        if indexer == "tldr"
        else [base, base / "sub"]
    )
    if indexer == "python":
        folders = [base, base / "sub", base / "notapkg"]
    if indexer == "manpages-roff":
        folders = [root / "man1", root / "man8"]
    for f in folders:
        f.mkdir(parents=True, exist_ok=True)
    if indexer == "python":
        _write(base / "__init__.py", b'"""The package."""\n')
        _write(base / "sub" / "__init__.py", b"")
    for i in range(n):
        folder = rng.choice(folders)
        fmt, suffix = rng.choice(FORMATS[indexer])
        roll = rng.random()
        stem = f"in{i:04d}"
        if indexer.startswith("manpages"):
            stem = f"cmd{i:04d}"
        if roll < 0.12:
            made = special(rng, folder, stem, suffix)
            if made:
                # a folder link only has to cause no hang; the others are named skips
                gen.inputs.append(Input(made[1], made[0]))
            continue
        kind, data = malformed(fmt, rng, max_bytes)
        if suffix.endswith(".gz"):
            import gzip

            data = gzip.compress(data) if rng.random() < 0.7 else data[:50]  # or not gzip at all
        if roll < 0.32:
            raw = odd_name(rng, stem, suffix)
            path = Path(os.fsdecode(os.fsencode(folder) + b"/" + raw))
            kind = f"{kind}, odd name"
        else:
            path = folder / f"{stem}{suffix}"
        try:
            _write(path, data)
        except OSError:
            continue
        # Hidden files are left out by design; a module with nothing in it has no symbols to index.
        hidden = path.name.startswith(".")
        no_symbols = indexer == "python" and _no_symbols(data)
        gen.inputs.append(Input(path, kind, must_account=not (hidden or no_symbols)))
    # a good file, so that every build has something to index
    fmt, suffix = FORMATS[indexer][0]
    good_path = (
        folders[0] / f"zz-good{suffix}"
        if not indexer.startswith("manpages")
        else folders[0] / f"zzgood{suffix}"
    )
    _write(good_path, good(fmt, rng).encode())
    gen.inputs.append(Input(good_path, "good"))
    if indexer == "python":
        gen.root = base
    if indexer == "tldr":
        gen.root = root / "pages"
    return gen


def _generate_devdocs(root: Path, n: int, rng: random.Random, max_bytes: int) -> Generated:
    """Libraries of a DevDocs bundle: ``index.json`` (sometimes broken) and HTML pages (sometimes
    broken, missing, or outside the library)."""
    gen = Generated(root)
    libs = max(3, n // 25)
    per_lib = max(1, n // libs)
    for li in range(libs):
        lib = root / f"lib{li}~{rng.randint(1, 3)}"
        lib.mkdir(parents=True)
        entries = []
        for pi in range(per_lib):
            page = f"mod{pi}/page{pi}" if rng.random() < 0.5 else f"page{pi}"
            kind, data = malformed("html", rng, max_bytes)
            roll = rng.random()
            if roll < 0.08:
                entries.append({"name": f"missing{pi}", "path": f"gone{pi}", "type": "x"})
                gen.inputs.append(Input(lib / f"gone{pi}.html", "missing page"))
                continue
            if roll < 0.12:
                entries.append({"name": f"escape{pi}", "path": f"../../../etc/passwd{pi}", "type": "x"})
                gen.inputs.append(Input(lib / f"../../../etc/passwd{pi}", "path out of the bundle", False))
                continue
            if roll < 0.18:
                (lib / page).parent.mkdir(parents=True, exist_ok=True)
                made = special(rng, (lib / page).parent, Path(page).name, ".html")
                if made is None:
                    continue
                entries.append({"name": f"special{pi}", "path": page, "type": "x"})
                gen.inputs.append(Input(made[1], made[0]))
                continue
            (lib / page).parent.mkdir(parents=True, exist_ok=True)
            _write(lib / f"{page}.html", data)
            anchors = rng.choice([[""], ["top"], ["use", "nowhere"], ["top", "top"], ["\x00", "ü", "a b"]])
            for a in anchors:
                entries.append({"name": f"{page}.{a}", "path": f"{page}#{a}" if a else page, "type": "x"})
            gen.inputs.append(Input(lib / f"{page}.html", kind))
        index_kind = rng.choice(
            ["good"] * 6
            + ["not json", "no entries", "entries not a list", "bad entries", "bad utf-8", "empty"]
        )  # noqa: E501
        index = {"entries": entries, "types": []}
        if index_kind == "not json":
            raw = b'{"entries": [ {"name": '
        elif index_kind == "no entries":
            raw = b'{"types": []}'
        elif index_kind == "entries not a list":
            raw = b'{"entries": 5}'
        elif index_kind == "bad entries":
            index["entries"] = entries + [5, None, {"name": 3, "path": []}, {"name": "x"}, "str"]
            raw = json.dumps(index).encode()
        elif index_kind == "bad utf-8":
            raw = json.dumps(index).encode() + b"\xff"
        elif index_kind == "empty":
            raw = b""
        else:
            raw = json.dumps(index).encode()
        _write(lib / "index.json", raw)
        gen.inputs.append(Input(lib / "index.json", f"index.json: {index_kind}", index_kind != "good"))
        if index_kind != "good":  # its pages are never read: the library is skipped
            for inp in gen.inputs:
                if inp.path.parent == lib or lib in inp.path.parents:
                    inp.must_account = inp.path.name == "index.json"
    _write(root / "junk.json", b"{}")
    return gen


# -- building one and checking it --------------------------------------------------------------------


@dataclass
class Outcome:
    indexer: str
    inputs: int
    seconds: float
    documents: int = 0
    skipped: dict = field(default_factory=dict)
    error: str | None = None  # a crash (traceback) or a hang
    one_line_error: str | None = None  # a DocpromptError: fine, if it is one line
    unaccounted: list[str] = field(default_factory=list)  # inputs neither indexed nor named as skipped
    unnamed_reasons: list[str] = field(default_factory=list)  # skip reasons listed without a name
    cli_error: str | None = None


def _clean(s: str) -> str:
    """A name as the index stores it (bytes that are not UTF-8 become U+FFFD)."""
    return s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _options(indexer: str, max_bytes: int) -> dict:
    return {"timeout": 10.0} if indexer == "manpages" else {}


def fuzz_indexer(indexer: str, gen: Generated, name: str, timeout: float, max_bytes: int) -> Outcome:
    from click.testing import CliRunner

    from docprompt.cli import main
    from docprompt.config import BuildSettings
    from docprompt.errors import DocpromptError
    from docprompt.indexers import make_indexer
    from docprompt.store.build import build_index
    from docprompt.store.registry import open_index, path_of

    out = Outcome(indexer, len(gen.inputs), 0.0)
    result: dict = {}
    sources: list[str] = []

    def run() -> None:
        try:
            source = make_indexer(
                indexer, [str(gen.root)], _options(indexer, max_bytes), max_file_bytes=max_bytes
            )

            def docs():
                for d in source.iter_documents():
                    sources.append(f"{d.source}\n{d.id}\n{d.uri or ''}")
                    yield d

            result["manifest"] = build_index(
                path_of(name), docs(), name=name, indexer=indexer, roots=source.roots, skipped=source.skipped,
                settings=BuildSettings(embedder="hash:32", max_file_bytes=max_bytes),
            )  # fmt: skip
        except DocpromptError as e:
            result["one_line"] = str(e)
        except BaseException:  # noqa: BLE001 - the crash is what is reported
            result["crash"] = traceback.format_exc()

    t = time.perf_counter()
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout)
    out.seconds = round(time.perf_counter() - t, 2)
    if worker.is_alive():
        out.error = f"hang: no result after {timeout:.0f} s"
        return out
    if "crash" in result:
        out.error = result["crash"]
        return out
    if "one_line" in result:
        out.one_line_error = result["one_line"]
        if "\n" in result["one_line"]:
            out.error = f"a multi-line error: {result['one_line']!r}"
        return out
    m = result["manifest"]
    out.documents = m.counts["documents"]
    out.skipped = dict(m.skipped)
    named = [_clean(f) for files in m.skipped_files.values() for f in files]
    for reason, count in m.skipped.items():
        if count and not m.skipped_files.get(reason):
            out.unnamed_reasons.append(reason)
    seen = "\n".join([*named, *(_clean(s) for s in sources)])
    for inp in gen.inputs:
        if not inp.must_account:
            continue
        rel = _clean(os.path.relpath(os.fsdecode(os.fsencode(inp.path)), gen.root))
        raw = os.fsencode(inp.path)
        escaped = os.path.relpath(raw, os.fsencode(gen.root)).decode("utf-8", "backslashreplace")
        candidates = {rel, rel.removesuffix(".html"), escaped}
        if inp.path.name == "index.json":  # a DevDocs library's index: the library is named
            candidates.add(inp.path.parent.name)
        if not any(c and c in seen for c in candidates):
            out.unaccounted.append(f"{rel!r} ({inp.kind})")
    res = CliRunner().invoke(main, ["index", "info", name, "--skipped"])
    if res.exit_code != 0:
        out.cli_error = (res.output or "")[-500:] + repr(res.exception)
    else:
        shown = _clean(res.output)
        missing = [f for f in named[:50] if f.splitlines()[0] not in shown]
        if missing:
            out.cli_error = f"`index info --skipped` does not list {missing[:3]}"
    idx = open_index(name)
    idx.close()
    return out


def run_seed(
    work: Path,
    seed: int,
    per_indexer: int,
    timeout: float = 60.0,
    max_bytes: int = 60_000,
    log=None,
    roff: int = 12,
):
    """One generated folder per indexer (``per_indexer`` inputs each; ``roff`` roff sources, each
    rendered by man(1)), built and checked."""
    rng = random.Random(seed)
    outcomes = []
    for run in RUNS:
        root = work / f"{run}-{seed}"
        root.mkdir(parents=True)
        gen = generate(run, root, roff if run == "manpages-roff" else per_indexer, rng, max_bytes)
        indexer = run.removesuffix("-roff")
        o = fuzz_indexer(indexer, gen, f"fuzz-{run}-{seed}", timeout, max_bytes)
        o.indexer = run
        outcomes.append(o)
        if log:
            log(o)
    return outcomes
